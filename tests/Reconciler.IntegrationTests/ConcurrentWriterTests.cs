using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>
/// Two writers on one store — `run` reconciling every second and `apply` run by hand — never lose or double an
/// update, and what `apply` prints is what it did.
/// </summary>
public sealed partial class ConcurrentWriterTests
{
    [Fact]
    public async Task RunAndApplyOnOneStore_EveryUserIsCreatedOnce_AndApplyTellsTheTruth()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "syncInterval: 5m", "syncInterval: 1s");
        CrashSafetyTests.WriteUsers(workspace, 3_000);
        await using var run = await RunningReconciler.StartAsync(workspace, RunTests.ReadyTimeout);

        var total = 3_000;
        var appliedByHand = 0;
        for (var round = 0; round < 4; round++)
        {
            total += 500;
            CrashSafetyTests.WriteUsers(workspace, total);
            var apply = await workspace.Apply();
            Expect.Exit(0, apply);
            var planned = int.Parse(PlannedCreates().Match(apply.Stdout).Groups[1].Value);
            var applied = int.Parse(AppliedChanges().Match(apply.Stdout).Groups[1].Value);
            Assert.True(planned == applied, $"apply printed a plan of {planned} creates but applied {applied}:\n{apply}");
            appliedByHand += applied;
        }

        Assert.True(await Poll.UntilAsync(RunTests.WatchTimeout, async () => (await workspace.Users()).Count == total),
            $"the registry did not reach {total} users:\n{run.Log}");
        using var connection = new SqliteConnection($"Data Source={workspace.Store};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var doubled = connection.CreateCommand();
        doubled.CommandText = "SELECT count(*) FROM (SELECT external_id FROM audit WHERE action = 'create' GROUP BY source, external_id HAVING count(*) > 1)";
        Assert.Equal(0L, (long)doubled.ExecuteScalar()!);
        using var creates = connection.CreateCommand();
        creates.CommandText = "SELECT count(*) FROM audit WHERE action = 'create'";
        Assert.Equal(total, (long)creates.ExecuteScalar()!);
        Assert.True(appliedByHand <= 2_000, $"apply claims {appliedByHand} creates of 2,000 new users");
    }

    [GeneratedRegex(@"(?:Plan: |No changes\. \()(\d+) create")]
    private static partial Regex PlannedCreates();

    [GeneratedRegex(@"Applied (\d+) change\(s\)")]
    private static partial Regex AppliedChanges();
}
