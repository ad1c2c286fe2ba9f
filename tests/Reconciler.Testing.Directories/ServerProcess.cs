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
}
