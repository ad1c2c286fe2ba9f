namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// The mid-size export (200,000 users by default), every command repeated and reported by its median:
/// (a) apply into a fresh store beside the Python script and sqlite3 .import on the same rows;
/// (b) no-op plan and apply right after, and a no-op plan once the export is replaced by a reordered copy.
/// </summary>
public sealed class MidSizeScenario(SuiteContext context)
{
    public async Task RunAsync()
    {
        var (cli, references, report, exports) = (context.Cli, context.References, context.Report, context.Exports);
        var runs = context.Options.Runs;
        var users = exports.Users;
        var folder = Directory.CreateDirectory(Path.Combine(context.WorkFolder, "mid")).FullName;
        var config = BenchConfig.Create(Path.Combine(folder, "config"), context.RepositoryRoot);
        config.UseExport(exports.Mid);
        await cli.ValidateAsync(config);
        Console.WriteLine($"## {users:N0} users: fresh apply and references, {runs} run(s) each, interleaved");

        var python = new List<Run>();
        var import = new List<Run>();
        var apply = new List<Run>();
        var planFresh = new List<Run>();
        var copy = new List<Run>();
        var store = "";
        for (var run = 1; run <= runs; run++)
        {
            python.Add(await references.PythonAsync($"{ReferenceLoads.PythonName} {users:N0} #{run}", exports.Mid, Path.Combine(folder, "python.db"), users));
            import.Add(await references.SqliteImportAsync($"{ReferenceLoads.ImportName} {users:N0} #{run}", exports.Mid, Path.Combine(folder, "import.db"), users));
            if (store.Length > 0) ReferenceLoads.Delete(store);
            store = Path.Combine(folder, $"state-{run}.db");
            ReferenceLoads.Delete(store);
            var (fresh, changes) = await cli.ApplyAsync($"apply {users:N0} into a fresh store #{run}", config, store, expectedChanges: null);
            var stored = StoreFile.Provisioned(store);
            if (changes != stored) throw new BenchFailure($"apply reported {changes:N0} changes into a fresh store that now holds {stored:N0} users");
            apply.Add(fresh);
            copy.Add(await references.StoreCopyAsync($"{ReferenceLoads.StoreCopyName} {users:N0} #{run}", store, Path.Combine(folder, "copy.db")));
            planFresh.Add(await cli.PlanAgainstNothingAsync($"plan {users:N0} against an empty store #{run}", config, Path.Combine(folder, "never-written.db")));
        }
        var pythonSample = new Sample(ReferenceLoads.PythonName, python);
        var importSample = new Sample(ReferenceLoads.ImportName, import);
        var applySample = new Sample("apply", apply);
        report.Add(new Figure($"`apply`, {users:N0}-row export into a fresh store", applySample, pythonSample, new Target(MaxRatio: 1.0)));
        report.Add(new Figure($"`apply`, {users:N0}-row export into a fresh store, vs .import", applySample, importSample));
        // The two halves of a first import, each on its own: its read and plan, and its writes as SQL alone. A first
        // import does the first before the second (it writes in key order once the planner has seen every user).
        report.Add(new Figure($"`plan` of the {users:N0}-row export against an empty store (read and plan; nothing written)",
            new Sample("plan", planFresh), pythonSample));
        report.Add(new Figure($"reference: {ReferenceLoads.StoreCopyName} (sqlite3 shell; users, audit, email index, commit, checkpoint)",
            new Sample(ReferenceLoads.StoreCopyName, copy), pythonSample));
        report.Add(new Figure($"reference: {ReferenceLoads.PythonName}, {users:N0} rows", pythonSample));
        report.Add(new Figure($"reference: {ReferenceLoads.ImportName} + unique index on id, {users:N0} rows", importSample));
        report.Note($"{users:N0}-row export: {BenchExports.Megabytes(exports.Mid)}; store after apply: {StoreFile.Size(store)} " +
            $"({StoreFile.Provisioned(store):N0} users provisioned: disabled accounts and contractors are not auto-imported); " +
            $"{ReferenceLoads.PythonName}'s database: {StoreFile.Size(Path.Combine(folder, "python.db"))}");

        Console.WriteLine($"## {users:N0} users: nothing changed");
        var plan = new List<Run>();
        var reapply = new List<Run>();
        for (var run = 1; run <= runs; run++)
        {
            plan.Add(await cli.NoOpPlanAsync($"no-op plan {users:N0} #{run}", config, store));
            var (noOp, pages) = await cli.NoOpApplyAsync($"no-op apply {users:N0} #{run}", config, store, watchPages: run == runs);
            reapply.Add(noOp);
            if (pages is not null) report.Note($"what the last no-op apply over {users:N0} wrote: {pages.Describe()}");
        }
        report.Add(new Figure($"no-op `plan` over {users:N0} (exit 0)", new Sample("plan", plan), pythonSample, new Target(MaxRatio: 0.5)));
        report.Add(new Figure($"no-op `apply` over {users:N0} (0 changes)", new Sample("apply", reapply), pythonSample, new Target(MaxRatio: 0.5)));

        config.UseExport(exports.MidReordered);
        var reordered = new List<Run>();
        for (var run = 1; run <= runs; run++)
        {
            reordered.Add(await cli.NoOpPlanAsync($"no-op plan {users:N0}, reordered export #{run}", config, store));
        }
        report.Add(new Figure($"no-op `plan` over {users:N0}, export reordered (other bytes, same users)", new Sample("plan", reordered),
            pythonSample, new Target(MaxRatio: 0.5)));
        ReferenceLoads.Delete(Path.Combine(folder, "python.db"));
        ReferenceLoads.Delete(Path.Combine(folder, "import.db"));
        ReferenceLoads.Delete(Path.Combine(folder, "copy.db"));
    }
}
