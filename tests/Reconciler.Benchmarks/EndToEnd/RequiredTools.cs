using System.Diagnostics;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>The programs the suite runs besides the reconciler, found on PATH or installed from Debian's packages.</summary>
public sealed record RequiredTools(string Time, string Sqlite3, string Python3)
{
    /// <summary>Finds each tool, installing the missing ones with apt-get; throws the reason when that cannot work.</summary>
    public static RequiredTools Ensure()
    {
        // GNU time, not the shell keyword: it is what reports the child's peak resident set (%M).
        var time = File.Exists("/usr/bin/time") ? "/usr/bin/time" : Install("time", "/usr/bin/time", "GNU time (peak memory)");
        var sqlite = Find("sqlite3") ?? Install("sqlite3", "sqlite3", "the sqlite3 shell (.import reference)");
        var python = Find("python3") ?? Install("python3", "python3", "Python 3 (csv_to_sqlite.py reference)");
        return new RequiredTools(time, sqlite, Interpreter(python));
    }

    /// <summary>"Python 3.11.7, sqlite3 3.40.1": which references the figures were measured against.</summary>
    public string Versions() => $"{Output(Python3, "--version")} ({Python3}), sqlite3 {Output(Sqlite3, "-version").Split(' ')[0]}";

    private static string Output(string program, string argument)
    {
        var start = new ProcessStartInfo(program, [argument]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new BenchFailure($"could not start {program}");
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }

    public static string? Find(string program)
    {
        if (program.Contains('/')) return File.Exists(program) ? program : null;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// The interpreter itself, not a launcher in front of it (pyenv's shim is a shell script that would add its own
    /// start-up to every reference run).
    /// </summary>
    private static string Interpreter(string python)
    {
        var start = new ProcessStartInfo(python, ["-c", "import sys; print(sys.executable)"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start) ?? throw new BenchFailure($"could not start {python}");
        var executable = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new BenchFailure($"{python} does not run (exit {process.ExitCode})");
        return File.Exists(executable) ? executable : python;
    }

    private static string Install(string package, string program, string what)
    {
        Console.WriteLine($"installing the Debian package '{package}' for {what}...");
        if (Find("apt-get") is null) throw new BenchFailure($"{what} is missing and apt-get is not available to install '{package}'");
        if (!Environment.IsPrivilegedProcess)
        {
            throw new BenchFailure($"{what} is missing: install the Debian package '{package}' (apt-get install {package} needs root)");
        }
        // The package lists may be missing or stale on a fresh machine: update once when the first try fails.
        var (installed, log) = AptGet("install", "-y", "--no-install-recommends", package);
        if (!installed)
        {
            var (updated, updateLog) = AptGet("update");
            if (!updated) throw new BenchFailure($"apt-get update failed, so '{package}' cannot be installed:\n{Tail(updateLog)}");
            (installed, log) = AptGet("install", "-y", "--no-install-recommends", package);
        }
        if (!installed) throw new BenchFailure($"apt-get install {package} failed:\n{Tail(log)}");
        return Find(program) ?? throw new BenchFailure($"apt-get installed '{package}' but {program} is still not found");
    }

    private static (bool Ok, string Log) AptGet(params string[] arguments)
    {
        var start = new ProcessStartInfo("apt-get") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new BenchFailure("could not start apt-get");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode == 0, stdout + stderr.Result);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(15));
}
