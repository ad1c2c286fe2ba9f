using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>`run` with more than one source: each on its own, a stuck one holding nobody back.</summary>
public sealed class EngineRunTests
{
    private const string StuckSource = """
        apiVersion: provisioning.reconciler.dev/v1alpha1
        kind: DirectorySource
        metadata:
          name: stuck-export
        spec:
          type: Csv
          csv:
            path: stuck.csv
          syncInterval: 1s
        ---
        apiVersion: provisioning.reconciler.dev/v1alpha1
        kind: ProvisioningMapping
        metadata:
          name: stuck-everyone
        spec:
          sourceRef: {name: stuck-export}
          priority: 1
          profile: laptops-standard
          storageRegion: us-east
        """;

    [Fact]
    public async Task Run_ASourceThatHangsDoesNotHoldBackAnother_AndIsAbandonedAfterTheReadTimeout()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "syncInterval: 5m", "syncInterval: 2s");
        workspace.Write("stuck.yaml", StuckSource);
        // A pipe nobody writes: opening it for reading blocks, as a server that accepts and never answers does.
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(workspace.Config, "stuck.csv")])) await mkfifo.WaitForExitAsync();

        await using var run = await RunningReconciler.StartAsync(workspace, RunTests.ReadyTimeout, readiness: "/healthz",
            extraArgs: ["--read-timeout", "4s"]);

        var provisioned = await Poll.UntilAsync(RunTests.WatchTimeout, async () => await CountUsers(workspace) == Samples.Created);
        Assert.True(provisioned, $"hr-export was not provisioned while stuck-export hung:\n{run.Log}");
        workspace.AppendRow(RunTests.NewRow);
        var followed = await Poll.UntilAsync(RunTests.WatchTimeout, async () => await CountUsers(workspace) == Samples.Created + 1);
        Assert.True(followed, $"hr-export did not follow its CSV while stuck-export hung:\n{run.Log}");

        // The stuck read is abandoned after the read timeout: a transient failure, retried, and the service becomes ready.
        var reported = await Poll.UntilAsync(RunTests.WatchTimeout, async () =>
            (await SourceReason(workspace, "stuck-export")) == "ReadFailed");
        Assert.True(reported, $"the stuck source never reported its abandoned read:\n{run.Log}");
        Assert.True(await Poll.UntilAsync(RunTests.WatchTimeout, async () => await run.StatusOf("/readyz") == HttpStatusCode.OK),
            $"/readyz never answered 200:\n{run.Log}");
        Assert.Contains("gave nothing for 4s", run.Log);

        Assert.True(await run.SignalAsync("TERM", TimeSpan.FromSeconds(20)), $"run did not stop on SIGTERM with a read stuck:\n{run.Log}");
        Assert.Equal(0, run.ExitCode);
    }

    private const string PartnerSource = """
        apiVersion: provisioning.reconciler.dev/v1alpha1
        kind: DirectorySource
        metadata:
          name: partner-export
        spec:
          type: Csv
          csv:
            path: partners.csv
          syncInterval: 1s
        ---
        apiVersion: provisioning.reconciler.dev/v1alpha1
        kind: ProvisioningMapping
        metadata:
          name: partners
        spec:
          sourceRef: {name: partner-export}
          priority: 1
          profile: laptops-partner
          storageRegion: eu-west
        """;

    [Fact]
    public async Task Run_ABrokenMappingHoldsItsSourceWhole_WhileOtherSourcesGoOn()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "syncInterval: 5m", "syncInterval: 1s");
        workspace.Write("partners.yaml", PartnerSource);
        workspace.Write("partners.csv", "id,userName,email\np1,pat,pat@partner.example\n");
        await using var run = await RunningReconciler.StartAsync(workspace, RunTests.ReadyTimeout);
        Assert.Equal(Samples.Created + 1, await CountUsers(workspace));

        // A typo in one of hr-export's mappings, and at the same time half of hr-export's users leave the export:
        // the source is held, so nobody is preserved or disabled because of the typo.
        workspace.Edit("mappings.yaml", "  priority: 10\n", "  priority: ten\n");
        var lines = workspace.CsvLines();
        workspace.WriteCsv(lines.Take(1 + lines.Length / 2));
        workspace.Write("partners.csv", "id,userName,email\np1,pat,pat@partner.example\np2,sam,sam@partner.example\n");

        Assert.True(await Poll.UntilAsync(RunTests.WatchTimeout, async () => await CountUsers(workspace) == Samples.Created + 2),
            $"partner-export stopped while hr-export's mapping was broken:\n{run.Log}");
        Assert.True(await Poll.UntilAsync(RunTests.WatchTimeout, async () => await SourceReason(workspace, "hr-export") == "HeldByInvalidConfiguration"),
            $"hr-export was not held:\n{run.Log}");
        Assert.Equal(Samples.Created, (await workspace.Users("Active")).Count(u => Expect.Str(u, "source") == "hr-export"));
        var status = await workspace.Run("status", "--store", Workspace.StoreFile, "--output", "json");
        Assert.Contains("mapping engineering is invalid", status.Stdout);
        Assert.Contains("nothing is applied until it is fixed", status.Stdout);

        workspace.Edit("mappings.yaml", "  priority: ten\n", "  priority: 10\n");
        Assert.True(await Poll.UntilAsync(RunTests.WatchTimeout, async () => await SourceReason(workspace, "hr-export") is "Synced" or "DeletionGuard"),
            $"hr-export did not resume once its mapping was fixed:\n{run.Log}");
    }

    [Fact]
    public async Task Run_AHeldSourcesStatusesSayWhatIsStored_NotWhatItsBrokenMappingLeavesOut()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "syncInterval: 5m", "syncInterval: 1s");
        // A second user claiming zed.bell's email: a standing conflict on everyone-else.
        workspace.AppendRow("u0051,zbell2,zed.bell@example.com,Zed Bell,Zed,Bell,Sales,Rep,all-staff,\"ou=people,dc=example,dc=com\",true");
        await workspace.ApplyOk();
        await using var run = await RunningReconciler.StartAsync(workspace, RunTests.ReadyTimeout);

        // engineering becomes invalid, so hr-export is held; meanwhile the conflicting row leaves the export.
        workspace.Edit("mappings.yaml", "  profile: laptops-engineering\n", "  profile: laptops-engineering\n  bogusField: 1\n");
        workspace.RemoveRow("u0051");
        Assert.True(await Poll.UntilAsync(RunTests.WatchTimeout, async () => await SourceReason(workspace, "hr-export") == "HeldByInvalidConfiguration"),
            $"hr-export was not held:\n{run.Log}");

        // Nothing was applied: engineering's 12 users and everyone-else's 18 are still bound to standard-50g, the
        // stored snapshot still has 51 users, and the conflict still stands.
        var table = await workspace.Run("status", "--store", Workspace.StoreFile);
        Assert.True(table.ExitCode == 0, table.ToString());
        var policy = table.StdoutLines.Single(l => l.Contains("standard-50g", StringComparison.Ordinal));
        Assert.Contains("30 users bound, 1500Gi allocated", policy);
        var resources = Workspace.ParseJson(await workspace.Run("status", "--store", Workspace.StoreFile, "--output", "json"))
            .GetProperty("resources").EnumerateArray().ToList();
        JsonElement Status(string name) => resources.Single(r => Expect.Str(r, "name") == name).GetProperty("status");
        Assert.Equal(51, Status("hr-export").GetProperty("usersSeen").GetInt32());
        Assert.Equal(18, Status("everyone-else").GetProperty("provisionedUsers").GetInt32());
        Assert.Equal(1, Status("everyone-else").GetProperty("conflicts").GetInt32());
    }

    private static async Task<int> CountUsers(Workspace workspace)
    {
        if (!File.Exists(workspace.Store)) return -1;
        var result = await workspace.Run("users", "list", "--store", Workspace.StoreFile, "--output", "json");
        return result.ExitCode == 0 ? Workspace.ParseJson(result).GetArrayLength() : -1;
    }

    internal static async Task<string?> SourceReason(Workspace workspace, string source)
    {
        if (!File.Exists(workspace.Store)) return null;
        var result = await workspace.Run("status", "--store", Workspace.StoreFile, "--output", "json");
        if (result.ExitCode != 0) return null;
        return Workspace.ParseJson(result).GetProperty("resources").EnumerateArray()
            .Where(r => Expect.Str(r, "kind") == "DirectorySource" && Expect.Str(r, "name") == source)
            .Select(r => r.GetProperty("status").GetProperty("conditions").EnumerateArray()
                .Single(c => Expect.Str(c, "type") == "Ready").GetProperty("reason").GetString())
            .FirstOrDefault();
    }
}
