using System.Diagnostics;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>What the suite was asked for on the command line (see Program.cs).</summary>
public sealed record EndToEndOptions(
    int Users, int LargeUsers, int Runs, int LargeRuns, string Binary, string RepositoryRoot, string? Markdown, bool Keep);

/// <summary>What every scenario of one run shares.</summary>
public sealed record SuiteContext(
    EndToEndOptions Options, ReconcilerProcess Cli, ReferenceLoads References, Report Report, BenchExports Exports, string WorkFolder)
{
    public string RepositoryRoot => Options.RepositoryRoot;
}

/// <summary>
/// The end-to-end suite: what a user runs, measured from outside. The published binary (`make build` → bin/reconciler)
/// runs as a child process under GNU time on generated exports, beside plain references measured in the same run.
/// Commands that fail, exit codes that say the wrong thing and outputs that do not check out fail the suite;
/// missed targets do not (they are what the figures are for).
/// </summary>
public sealed class EndToEndSuite(EndToEndOptions options)
{
    public async Task RunAsync()
    {
        if (!File.Exists(options.Binary)) throw new BenchFailure($"{options.Binary} does not exist: run `make build` first (make bench does)");
        var tools = RequiredTools.Ensure();
        var work = Directory.CreateTempSubdirectory("reconciler-e2e-").FullName;
        var logs = Directory.CreateDirectory(Path.Combine(work, "logs")).FullName;
        var clock = Stopwatch.StartNew();
        var loadBefore = LoadAverage();
        var succeeded = false;
        Console.WriteLine($"# End-to-end: {options.Binary} as a child process; work folder {work}");
        try
        {
            var exports = await BenchExports.GenerateAsync(Path.Combine(work, "data"), options.Users, options.LargeUsers);
            var command = new TimedCommand(tools.Time, logs);
            var report = new Report($"End-to-end, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z — {Environment.ProcessorCount} cores, " +
                $"bin/reconciler at {Commit()}, {options.Users:N0} / {options.LargeUsers:N0} users, {options.Runs} / {options.LargeRuns} run(s)");
            var context = new SuiteContext(options, new ReconcilerProcess(command, options.Binary),
                new ReferenceLoads(command, tools, options.RepositoryRoot), report, exports, work);

            await new MidSizeScenario(context).RunAsync();
            await new LargeScenario(context).RunAsync();

            report.Note($"references: {tools.Versions()}");
            report.Note($"wall: GNU time %e (median of the runs, best beside it); peak RSS: %M of the child process, the highest of the runs, MB = 1,048,576 bytes; " +
                $"suite ran {clock.Elapsed.TotalMinutes:0.0} min; load average (1 min) {loadBefore} at the start, {LoadAverage()} at the end " +
                $"(above {Environment.ProcessorCount}, other work shared the cores: trust the ratios more than the seconds)");
            report.Print();
            if (options.Markdown is { } markdown) report.AppendTo(markdown);
            succeeded = true;
        }
        finally
        {
            CleanUp(work, succeeded);
        }
    }

    private void CleanUp(string work, bool succeeded)
    {
        if (options.Keep)
        {
            Console.WriteLine($"kept {work}");
            return;
        }
        if (succeeded)
        {
            Directory.Delete(work, recursive: true);
            return;
        }
        // After a failure the commands' output stays for reading; the bulky exports and stores go.
        foreach (var bulky in new[] { "data", "mid", "large" })
        {
            var path = Path.Combine(work, bulky);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        Console.Error.WriteLine($"every command's stdout and stderr: {Path.Combine(work, "logs")}");
    }

    /// <summary>The 1-minute load average, which tells how much else ran beside the suite.</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The commit the binary was presumably built from (make bench builds first), for the report's title.</summary>
    private string Commit()
    {
        try
        {
            var start = new ProcessStartInfo("git", ["-C", options.RepositoryRoot, "describe", "--always", "--dirty"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var git = Process.Start(start)!;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && commit.Length > 0 ? commit : "an unknown commit";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "an unknown commit";
        }
    }
}
