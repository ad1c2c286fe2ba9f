using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reconciler.IntegrationTests.Support;

/// <summary>`reconciler run` as a long-lived child process, with its output kept for failure messages.</summary>
public sealed class RunningReconciler : IAsyncDisposable
{
    private readonly StringBuilder output = new();
    private readonly Process process;

    private RunningReconciler(Workspace workspace, string configDir, IEnumerable<string> extraArgs)
    {
        Port = FreePort();
        BaseUrl = $"http://127.0.0.1:{Port}";
        process = new Process { StartInfo = Cli.StartInfo(workspace.Root, ["run", "--config", configDir, "--store", Workspace.StoreFile, "--listen", BaseUrl, .. extraArgs]) };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
    }

    public int Port { get; }

    public string BaseUrl { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(5) };

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Log
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>Starts `run` and waits until <paramref name="readiness"/> (by default /readyz: the first reconcile is done) answers 200.</summary>
    public static async Task<RunningReconciler> StartAsync(Workspace workspace, TimeSpan readyTimeout, string configDir = Workspace.ConfigDir,
        string readiness = "/readyz", IEnumerable<string>? extraArgs = null)
    {
        var running = new RunningReconciler(workspace, configDir, extraArgs ?? []);
        running.process.Start();
        running.process.StandardInput.Close();
        running.process.BeginOutputReadLine();
        running.process.BeginErrorReadLine();
        var ready = await Poll.UntilAsync(readyTimeout, async () =>
        {
            if (running.process.HasExited) throw new Xunit.Sdk.XunitException($"run exited early with {running.process.ExitCode}:\n{running.Log}");
            return await running.StatusOf(readiness) == HttpStatusCode.OK;
        });
        if (!ready)
        {
            await running.DisposeAsync();
            throw new Xunit.Sdk.XunitException($"{readiness} did not answer 200 within {readyTimeout.TotalSeconds} s:\n{running.Log}");
        }
        return running;
    }

    public async Task<HttpStatusCode?> StatusOf(string path)
    {
        try
        {
            using var response = await Http.GetAsync(BaseUrl + path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    public Task<string> GetStringAsync(string path) => Http.GetStringAsync(BaseUrl + path);

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does; true when the process exits within the timeout.</summary>
    public Task<bool> InterruptAsync(TimeSpan timeout) => SignalAsync("INT", timeout);

    /// <summary>Sends a signal (INT, TERM) with kill(1); true when the process exits within the timeout.</summary>
    public async Task<bool> SignalAsync(string signal, TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString()])) await kill.WaitForExitAsync();
        using var stop = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(stop.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        Http.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class Poll
{
    /// <summary>Checks a condition every 250 ms until it holds or the timeout passes.</summary>
    public static async Task<bool> UntilAsync(TimeSpan timeout, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition()) return true;
            await Task.Delay(250);
        }
        return await condition();
    }
}
