using System.Net;
using System.Net.Sockets;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>`reconciler run`: a long-running child process serving health and metrics, reconciling on file changes.</summary>
public sealed class RunTests
{
    internal static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    internal static readonly TimeSpan WatchTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    internal const string NewRow = "u0051,nnew,nora.new@example.com,Nora New,Nora,New,Sales,Account Manager,all-staff,\"ou=people,dc=example,dc=com\",true";
    internal const string NewEmail = "nora.new@example.com";

    [Fact]
    public async Task Run_ServesHealthAndMetrics_ReconcilesOnFileChange_AndStopsOnSigint()
    {
        using var workspace = Workspace.FromSamples();
        await using var run = await RunningReconciler.StartAsync(workspace, ReadyTimeout);

        Assert.Equal(HttpStatusCode.OK, await run.StatusOf("/healthz"));
        var metrics = await run.GetStringAsync("/metrics");
        Assert.Contains($"reconciler_users{{state=\"active\"}} {Samples.Created}\n", metrics);
        Assert.Equal(Samples.Created, (await workspace.Users("Active")).Count);

        // a new row in the directory export wakes the loop: no restart, no command
        workspace.AppendRow(NewRow);
        var seen = await Poll.UntilAsync(WatchTimeout, async () => (await workspace.Users()).Any(u => Expect.Str(u, "email") == NewEmail));
        Assert.True(seen, $"the new user did not appear within {WatchTimeout.TotalSeconds} s of editing users.csv:\n{run.Log}");
        var counted = await Poll.UntilAsync(TimeSpan.FromSeconds(10), async () =>
            (await run.GetStringAsync("/metrics")).Contains($"reconciler_users{{state=\"active\"}} {Samples.Created + 1}\n", StringComparison.Ordinal));
        Assert.True(counted, "/metrics did not follow the new user:\n" + await run.GetStringAsync("/metrics"));

        // Ctrl+C
        Assert.True(await run.InterruptAsync(StopTimeout), $"run did not stop within {StopTimeout.TotalSeconds} s of SIGINT:\n{run.Log}");
        Assert.True(run.ExitCode is 0 or 130, $"run stopped with exit {run.ExitCode}:\n{run.Log}");
        Assert.DoesNotContain("Unhandled exception", run.Log, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Run_BrokenEdit_IsReportedAsStalledInStatus_UntilFixed()
    {
        using var workspace = Workspace.FromSamples();
        await using var run = await RunningReconciler.StartAsync(workspace, ReadyTimeout);
        string? ConfigurationReady(System.Text.Json.JsonElement status) => status.GetProperty("resources").EnumerateArray()
            .Where(r => Expect.Str(r, "kind") == "Configuration")
            .Select(r => r.GetProperty("status").GetProperty("conditions").EnumerateArray()
                .Single(c => Expect.Str(c, "type") == "Ready").GetProperty("reason").GetString())
            .SingleOrDefault();
        async Task<string?> Reason()
        {
            var result = await workspace.Run("status", "--store", Workspace.StoreFile, "--output", "json");
            return result.ExitCode == 0 ? ConfigurationReady(Workspace.ParseJson(result)) : null;
        }
        Assert.Equal("Valid", await Reason());

        workspace.Edit("mappings.yaml", "  priority: 10\n", "  priority: ten\n");
        Assert.True(await Poll.UntilAsync(WatchTimeout, async () => await Reason() == "InvalidConfiguration"),
            $"status did not report the broken configuration:\n{run.Log}");
        var table = await workspace.Run("status", "--store", Workspace.StoreFile);
        Expect.StdoutLine(table, l => l.Contains("InvalidConfiguration", StringComparison.Ordinal) && l.Contains("mappings.yaml", StringComparison.Ordinal));
        Assert.Equal(Samples.Created, (await workspace.Users("Active")).Count);

        workspace.Edit("mappings.yaml", "  priority: ten\n", "  priority: 10\n");
        Assert.True(await Poll.UntilAsync(WatchTimeout, async () => await Reason() == "Valid"), $"status stayed stalled:\n{run.Log}");
    }

    [Fact]
    public async Task Run_AnswersHead_AndCountsAWrongMethodUnderItsRoute()
    {
        using var workspace = Workspace.FromSamples();
        await using var run = await RunningReconciler.StartAsync(workspace, ReadyTimeout);

        foreach (var path in new[] { "/healthz", "/readyz", "/metrics" })
        {
            using var head = await run.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, run.BaseUrl + path));
            Assert.True(head.StatusCode == HttpStatusCode.OK, $"HEAD {path} answered {(int)head.StatusCode}");
        }
        using (var post = await run.Http.PostAsync(run.BaseUrl + "/healthz", new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }

        var metrics = await run.GetStringAsync("/metrics");
        Assert.Contains("reconciler_http_requests_total{method=\"HEAD\",route=\"/healthz\",code=\"200\"} 1\n", metrics);
        Assert.Contains("reconciler_http_requests_total{method=\"POST\",route=\"/healthz\",code=\"405\"} 1\n", metrics);
        Assert.DoesNotContain("route=\"unmatched\"", metrics);
    }

    /// <summary>The longest and shortest intervals the validator accepts: timers far beyond 49.7 days' worth of ms must not crash the loop.</summary>
    [Theory]
    [InlineData("720h")]
    [InlineData("719h59m59.999s")]
    [InlineData("1s")]
    public async Task Run_WithAnyAcceptedSyncInterval_ReconcilesAndKeepsRunning(string interval)
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "  syncInterval: 5m\n", $"  syncInterval: {interval}\n");
        Expect.Exit(0, await workspace.Run("validate", Workspace.ConfigDir));
        await using var run = await RunningReconciler.StartAsync(workspace, ReadyTimeout);

        await Task.Delay(TimeSpan.FromSeconds(2.5));   // a 1s interval comes round twice

        Assert.False(run.HasExited, $"run exited with syncInterval {interval}:\n{run.Log}");
        Assert.Equal(HttpStatusCode.OK, await run.StatusOf("/healthz"));
        Assert.Equal(Samples.Created, (await workspace.Users("Active")).Count);
        Assert.True(await run.InterruptAsync(StopTimeout), $"run did not stop within {StopTimeout.TotalSeconds} s of SIGINT:\n{run.Log}");
        Assert.True(run.ExitCode == 0, $"run stopped with exit {run.ExitCode}:\n{run.Log}");
        Assert.DoesNotContain("exception", run.Log, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Run_ListenAddressInUse_FailsClearly()
    {
        using var workspace = Workspace.FromSamples();
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var result = await workspace.Run("run", "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile, "--listen", $"http://127.0.0.1:{port}");

        Expect.ClearError(result);
        Expect.Mentions(port.ToString(), result);
    }
}

/// <summary>The watch also covers a CSV that lives outside the configuration folder.</summary>
public sealed class RunWatchTests
{
    [Theory]
    [InlineData("data")]
    [InlineData("config-data")]   // a sibling whose name starts with the config folder's name
    public async Task Run_CsvOutsideTheConfigFolder_IsWatched(string csvFolder)
    {
        using var workspace = Workspace.FromSamples();
        var folder = Path.Combine(workspace.Root, csvFolder);
        Directory.CreateDirectory(folder);
        var csv = Path.Combine(folder, "users.csv");
        File.Move(workspace.UsersCsv, csv);
        workspace.Edit("sources.yaml", "path: users.csv", $"path: ../{csvFolder}/users.csv");
        await using var run = await RunningReconciler.StartAsync(workspace, RunTests.ReadyTimeout);
        Assert.Equal(Samples.Created, (await workspace.Users("Active")).Count);

        File.AppendAllText(csv, RunTests.NewRow + "\n");

        var seen = await Poll.UntilAsync(RunTests.WatchTimeout, async () => (await workspace.Users()).Any(u => Expect.Str(u, "email") == RunTests.NewEmail));
        Assert.True(seen, $"the new user in {csvFolder}/users.csv did not appear within {RunTests.WatchTimeout.TotalSeconds} s:\n{run.Log}");
    }
}

/// <summary>Stopping `run` the way a terminal (Ctrl+C) and Kubernetes (SIGTERM) do: the loop ends, the program says so.</summary>
public sealed class RunShutdownTests
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Run_OnSignal_StopsGracefully(string signal)
    {
        using var workspace = Workspace.FromSamples();
        await using var run = await RunningReconciler.StartAsync(workspace, RunTests.ReadyTimeout);

        Assert.True(await run.SignalAsync(signal, TimeSpan.FromSeconds(10)), $"run did not stop within 10 s of SIG{signal}:\n{run.Log}");

        // a graceful stop ends the loop, logs "stopped" and exits 0; a process killed by the signal reports 128+signal
        Assert.True(run.ExitCode == 0 && run.Log.Contains("stopped", StringComparison.Ordinal),
            $"run did not shut down gracefully on SIG{signal} (exit {run.ExitCode}):\n{run.Log}");
    }
}
