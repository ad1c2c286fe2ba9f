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
