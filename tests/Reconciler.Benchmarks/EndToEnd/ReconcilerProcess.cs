using System.Text.RegularExpressions;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// The published binary, run the way a user types it, with the checks that make its figures mean something:
/// exit codes (plan: 0 no changes, 2 changes) and the number of changes apply says it wrote.
/// </summary>
public sealed partial class ReconcilerProcess(TimedCommand command, string binary)
{
    /// <summary>`validate`: not measured, only makes sure the folder is what the suite thinks it is.</summary>
    public Task<Run> ValidateAsync(BenchConfig config) =>
        command.RunAsync("validate the config folder", binary, ["validate", config.Folder]);

    /// <summary>`apply`, expected to exit 0 and (when given) to report exactly <paramref name="expectedChanges"/> changes.</summary>
    public async Task<(Run Run, long Changes)> ApplyAsync(string label, BenchConfig config, string store, long? expectedChanges)
    {
        var run = await command.RunAsync(label, binary, ["apply", "--config", config.Folder, "--store", store]);
        var changes = AppliedChanges(run);
        if (expectedChanges is { } expected && changes != expected)
        {
            throw new BenchFailure($"{label}: apply reported {changes:N0} change(s), expected {expected:N0}.\n" +
                $"--- stdout (last lines) ---\n{TimedCommand.Tail(run.StdoutPath, 15)}");
        }
        return (run, changes);
    }

    /// <summary>`apply` over a store that is up to date: 0 changes; with <paramref name="watchPages"/>, also what it wrote to the file.</summary>
    public async Task<(Run Run, PageChanges? Pages)> NoOpApplyAsync(string label, BenchConfig config, string store, bool watchPages)
    {
        if (!watchPages) return ((await ApplyAsync(label, config, store, expectedChanges: 0)).Run, null);
        var ((run, _), pages) = await StoreFile.WatchAsync(store, () => ApplyAsync(label, config, store, expectedChanges: 0));
        return (run, pages);
    }

    /// <summary>`plan` over a store that is up to date: it must exit 0, "no changes".</summary>
    public Task<Run> NoOpPlanAsync(string label, BenchConfig config, string store) =>
        PlanAsync(label, config, store, expectedExit: 0,
            whenExitDiffers: "plan exits 2 when it finds changes: the previous apply did not leave the store up to date with this export.");

    /// <summary>
    /// `plan` against a store file that does not exist: every user is a change (exit 2), and the file must still
    /// not exist afterwards, since plan writes nothing.
    /// </summary>
    public async Task<Run> PlanAgainstNothingAsync(string label, BenchConfig config, string store)
    {
        ReferenceLoads.Delete(store);
        var run = await PlanAsync(label, config, store, expectedExit: 2, whenExitDiffers: "plan exits 2 when it finds changes, as it must against an empty store.");
        if (File.Exists(store)) throw new BenchFailure($"{label}: plan created {store}; it must write nothing");
        return run;
    }

    private Task<Run> PlanAsync(string label, BenchConfig config, string store, int expectedExit, string whenExitDiffers) =>
        command.RunAsync(label, binary, ["plan", "--config", config.Folder, "--store", store], expectedExit, whenExitDiffers: whenExitDiffers);

    /// <summary>`users list --output json`, its output written to <paramref name="output"/>.</summary>
    public Task<Run> ListUsersJsonAsync(string label, string store, string output) =>
        command.RunAsync(label, binary, ["users", "list", "--output", "json", "--store", store], stdoutPath: output);

    /// <summary>"Applied 12 change(s) to …": the count apply prints; the suite fails when the line is missing.</summary>
    private static long AppliedChanges(Run run)
    {
        foreach (var line in File.ReadLines(run.StdoutPath))
        {
            var match = AppliedLine().Match(line);
            if (match.Success) return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new BenchFailure($"{run.Label}: apply printed no \"Applied N change(s)\" line, so the suite cannot tell what it wrote.\n" +
            $"--- stdout (last lines) ---\n{TimedCommand.Tail(run.StdoutPath, 15)}");
    }

    [GeneratedRegex(@"^Applied (\d+) change\(s\)")]
    private static partial Regex AppliedLine();
}
