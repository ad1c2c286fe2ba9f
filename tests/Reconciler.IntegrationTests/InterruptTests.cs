using System.Diagnostics;
using System.Text;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>
/// Ctrl+C (SIGINT) or SIGTERM while `apply` writes 200,000 users: one line saying so, exit 130, and the store exactly
/// as before, as the README's exit codes promise.
/// </summary>
public sealed class InterruptTests
{
    private const int Users = 200_000;

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Apply_InterruptedWhileWriting_ExitsOneThirty_AndKeepsNothing(string signal)
    {
        using var workspace = await Baseline.CloneAsync();
        var rows = new StringBuilder(string.Join('\n', workspace.CsvLines()) + "\n");
        for (var i = 0; i < Users; i++)
        {
            rows.Append(GeneratedRow(i)).Append('\n');
        }
        File.WriteAllText(workspace.UsersCsv, rows.ToString());
        var before = await StoreContent(workspace);

        var (exit, stderr) = await ApplyAndSignalAsync(workspace, signal);

        var errors = stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.True(exit == 130, $"expected exit 130 after SIG{signal}, got {exit}:\n{stderr}");
        Assert.True(errors.Count == 1 && errors[0].Contains("interrupted", StringComparison.Ordinal), "expected one line saying it was interrupted:\n" + stderr);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.Equal(before, await StoreContent(workspace));
    }

    private static string GeneratedRow(int i) =>
        $"g{i:D6},gen{i},gen{i}@example.com,Gen {i},Gen,User{i},Sales,Rep,all-staff,\"ou=people,dc=example,dc=com\",true";

    /// <summary>What the user can read of the store: every user, the audit log and every status.</summary>
    private static async Task<string> StoreContent(Workspace workspace)
    {
        var parts = new List<string>();
        foreach (var args in new[]
        {
            new[] { "users", "list", "--store", Workspace.StoreFile, "--output", "json" },
            ["audit", "--store", Workspace.StoreFile, "--output", "json", "--limit", "1000000"],
            ["status", "--store", Workspace.StoreFile, "--output", "json"],
        })
        {
            var result = await workspace.Run(args);
            Assert.True(result.ExitCode == 0, result.ToString());
            parts.Add(result.Stdout);
        }
        return string.Join("\n", parts);
    }

    /// <summary>
    /// Starts `apply` and signals it once its read is done (the "read hr-export: …" line), so the signal lands while
    /// it plans and writes, which takes seconds for this many users.
    /// </summary>
    private static async Task<(int Exit, string Stderr)> ApplyAndSignalAsync(Workspace workspace, string signal)
    {
        using var process = Process.Start(Support.Cli.StartInfo(workspace.Root, ["apply", "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile]))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new StringBuilder();
        var read = new TaskCompletionSource();
        var lines = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (stderr) stderr.AppendLine(line);
                if (line.StartsWith("read hr-export:", StringComparison.Ordinal)) read.TrySetResult();
            }
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await read.Task.WaitAsync(timeout.Token);
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString()])) await kill.WaitForExitAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("apply did not read or stop in time:\n" + stderr);
        }
        await lines;
        await stdout;
        lock (stderr) return (process.ExitCode, stderr.ToString());
    }
}
