using System.Diagnostics;
using System.Globalization;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>What one child process cost, as GNU time saw it.</summary>
public sealed record Run(string Label, double WallSeconds, long PeakRssKib, int ExitCode, string StdoutPath, string StderrPath)
{
    public double PeakRssMb => PeakRssKib / 1024.0;
}

/// <summary>
/// Runs a program as the user would, as a child process under <c>/usr/bin/time -f "%e %M"</c>: wall seconds and
/// peak resident set of that process. Its output goes straight to files (through a shell that execs GNU time), so
/// the harness neither reads a pipe while it runs nor competes with it for the two cores.
/// </summary>
public sealed class TimedCommand(string timeProgram, string logFolder)
{
    private int _runs;

    /// <summary>Runs and checks the exit code; a different one fails the suite with the command's stderr.</summary>
    /// <param name="stdoutPath">Where the output goes, when the caller reads it afterwards; a log file otherwise.</param>
    /// <param name="whenExitDiffers">What a different exit code most likely means, for the failure message.</param>
    public async Task<Run> RunAsync(string label, string program, IReadOnlyList<string> arguments,
        int expectedExit = 0, string? stdoutPath = null, string? whenExitDiffers = null)
    {
        var number = ++_runs;
        var stem = Path.Combine(logFolder, $"{number:000}-{new string(label.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray())}");
        var stdout = stdoutPath ?? stem + ".out";
        var stderr = stem + ".err";
        var timeFile = stem + ".time";

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = logFolder };
        // Paths travel as positional parameters, so nothing needs quoting for the shell.
        string[] shell = ["-c", "out=$1; err=$2; shift 2; exec \"$@\" >\"$out\" 2>\"$err\" </dev/null", "sh", stdout, stderr];
        string[] timed = [timeProgram, "-f", "%e %M", "-o", timeFile, program, .. arguments];
        foreach (var argument in shell.Concat(timed)) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new BenchFailure($"could not start {program}");
        await process.WaitForExitAsync();
        var exit = process.ExitCode;
        var (wall, rss) = ReadTime(timeFile, label);
        var run = new Run(label, wall, rss, exit, stdout, stderr);
        Console.WriteLine($"  {label}: {wall:0.00} s, {run.PeakRssMb:0} MB{(exit == 0 ? "" : $", exit {exit}")}");
        if (exit != expectedExit)
        {
            throw new BenchFailure($"{label}: `{program} {string.Join(' ', arguments)}` exited {exit}, expected {expectedExit}." +
                (whenExitDiffers is null ? "\n" : $" {whenExitDiffers}\n") +
                $"--- stderr (last lines) ---\n{Tail(stderr, 40)}\n--- stdout (last lines) ---\n{Tail(stdout, 10)}");
        }
        return run;
    }

    /// <summary>The last lines of a file, for a failure message or a check.</summary>
    public static string Tail(string path, int lines)
    {
        if (!File.Exists(path)) return "(no output file)";
        var queue = new Queue<string>(lines);
        foreach (var line in File.ReadLines(path))
        {
            if (queue.Count == lines) queue.Dequeue();
            queue.Enqueue(line);
        }
        return string.Join('\n', queue);
    }

    /// <summary>GNU time writes "Command exited with non-zero status N" (or a signal) first; the figures are the last line.</summary>
    private static (double Wall, long RssKib) ReadTime(string timeFile, string label)
    {
        var last = File.Exists(timeFile) ? File.ReadLines(timeFile).LastOrDefault(l => l.Trim().Length > 0) : null;
        var parts = last?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is not { Length: 2 }
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var wall)
            || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var rss))
        {
            var text = File.Exists(timeFile) ? File.ReadAllText(timeFile) : "(GNU time wrote nothing)";
            throw new BenchFailure($"{label}: cannot read GNU time's figures from {timeFile}: {text.Trim()}");
        }
        return (wall, rss);
    }
}
