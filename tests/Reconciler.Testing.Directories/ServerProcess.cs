using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Reconciler.Testing.Directories;

/// <summary>What the directory servers share about running as a child process of the tests.</summary>
internal static class ServerProcess
{
    /// <summary>
    /// A shell that kills the server (and removes its folder) when its stdin reaches end-of-file, which happens when
    /// this process exits in any way (even SIGKILL) because only this process holds the pipe's write end (.NET opens
    /// its pipes close-on-exec, so the server and other children do not inherit it). Killed first on a regular stop.
    /// Only a folder whose path holds <paramref name="folderMarker"/> is removed; with no server (a template folder
    /// being made), only the folder.
    /// </summary>
    public static Process? StartWatchdog(string name, int? serverPid, string folder, string folderMarker)
    {
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        var kill = serverPid is null ? "" : "kill -KILL \"$1\" 2>/dev/null\nsleep 0.5\n";
        var script = $"read -r line\n{kill}case \"$2\" in */{folderMarker}*) rm -rf -- \"$2\" ;; esac\n";
        var pid = serverPid?.ToString(CultureInfo.InvariantCulture) ?? "-";
        foreach (var argument in new[] { "-c", script, $"{name}-watchdog", pid, folder })
        {
            startInfo.ArgumentList.Add(argument);
        }
        return Process.Start(startInfo);
    }

    /// <summary>Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/> within a second.</summary>
    public static async Task<bool> CanConnectAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts <paramref name="path"/> with its output going to <paramref name="log"/> and stdin redirected (kept open
    /// unless <paramref name="closeInput"/>), or throws what <paramref name="cannotStart"/> makes of the failure.
    /// </summary>
    public static Process Launch(string path, IReadOnlyList<string> arguments, SlapdServer.LogTail log, bool closeInput,
        Func<string, Exception, Exception> cannotStart)
    {
        var startInfo = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            process.Dispose();
            throw cannotStart($"Cannot start {ExternalTool.FormatCommandLine(path, arguments)}: {e.Message}", e);
        }

        if (closeInput) process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Probes a started server with <paramref name="answers"/> (each try cut at <paramref name="probeTimeout"/>, and
    /// abandoned once the process exits: whatever answers then is not this server) until it answers: null; or why it
    /// never will: it exited, or <paramref name="timeout"/> passed. Cancellation throws.
    /// </summary>
    public static async Task<string?> WaitUntilAnswersAsync(Process process, TimeSpan timeout, TimeSpan probeTimeout, TimeSpan pause,
        Func<CancellationToken, Task<bool>> answers, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var exited = process.WaitForExitAsync(CancellationToken.None); // completes once it exited and its output is drained
        while (true)
        {
            if (exited.IsCompleted) return $"it exited with code {process.ExitCode}";
            if (clock.Elapsed > timeout) return $"no answer to {what} within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
            ct.ThrowIfCancellationRequested();

            using (var probe = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                probe.CancelAfter(probeTimeout);
                var answered = AnswersOrFalseAsync(answers, probe.Token, ct);
                if (await Task.WhenAny(answered, exited).ConfigureAwait(false) == exited)
                {
                    await probe.CancelAsync().ConfigureAwait(false);
                }

                if (await answered.ConfigureAwait(false)) return null;
            }

            await Task.Delay(pause, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<bool> AnswersOrFalseAsync(Func<CancellationToken, Task<bool>> answers, CancellationToken probe, CancellationToken ct)
    {
        try
        {
            return await answers(probe).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
