namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// The large export (1,000,000 users by default), each command run once or twice:
/// (c) apply into a fresh store, then no-op plan and apply; (d) apply with one changed row, counting the store
/// pages it rewrote; (e) `users list --output json` over the store, its output checked to be one array of every user.
/// </summary>
public sealed class LargeScenario(SuiteContext context)
{
    private const double MemoryCeilingMb = 500;
    private const double ListMemoryCeilingMb = 200;

    public async Task RunAsync()
    {
        var (cli, references, report, exports) = (context.Cli, context.References, context.Report, context.Exports);
        var runs = context.Options.LargeRuns;
        var users = exports.LargeUsers;
        var folder = Directory.CreateDirectory(Path.Combine(context.WorkFolder, "large")).FullName;
        var config = BenchConfig.Create(Path.Combine(folder, "config"), context.RepositoryRoot);
        config.UseExport(exports.Large);
        Console.WriteLine($"## {users:N0} users: fresh apply beside {ReferenceLoads.PythonName}, {runs} run(s) each");

        var python = new List<Run>();
        var apply = new List<Run>();
        var store = "";
        for (var run = 1; run <= runs; run++)
        {
            python.Add(await references.PythonAsync($"{ReferenceLoads.PythonName} {users:N0} #{run}", exports.Large, Path.Combine(folder, "python.db"), users));
            if (store.Length > 0) ReferenceLoads.Delete(store);
            store = Path.Combine(folder, $"state-{run}.db");
            ReferenceLoads.Delete(store);
            apply.Add((await cli.ApplyAsync($"apply {users:N0} into a fresh store #{run}", config, store, expectedChanges: null)).Run);
        }
        var provisioned = StoreFile.Provisioned(store);
        var pythonSample = new Sample(ReferenceLoads.PythonName, python);
        report.Add(new Figure($"`apply`, {users:N0}-row export into a fresh store", new Sample("apply", apply), pythonSample,
            new Target(MaxRssMb: MemoryCeilingMb)));
        report.Add(new Figure($"reference: {ReferenceLoads.PythonName}, {users:N0} rows", pythonSample));
        report.Note($"{users:N0}-row export: {BenchExports.Megabytes(exports.Large)}; store after apply: {StoreFile.Size(store)} " +
            $"({provisioned:N0} users provisioned); {ReferenceLoads.PythonName}'s database: {StoreFile.Size(Path.Combine(folder, "python.db"))}");
        ReferenceLoads.Delete(Path.Combine(folder, "python.db"));

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
        var noOpApply = new Sample("no-op apply", reapply);
        var noOpTarget = new Target(MaxRatio: 0.5, MaxRssMb: MemoryCeilingMb);
        report.Add(new Figure($"no-op `plan` over {users:N0} (exit 0)", new Sample("plan", plan), pythonSample, noOpTarget));
        report.Add(new Figure($"no-op `apply` over {users:N0} (0 changes)", noOpApply, pythonSample, noOpTarget));

        await OneChangedRowAsync(config, store, pythonSample, noOpApply);
        await ListUsersAsync(folder, store, provisioned, runs);
    }

    /// <summary>(d): the 1M export with one department moved; what that apply costs and which store pages it touched.</summary>
    private async Task OneChangedRowAsync(BenchConfig config, string store, Sample python, Sample noOpApply)
    {
        var (exports, report) = (context.Exports, context.Report);
        var change = exports.Change;
        Console.WriteLine($"## {exports.LargeUsers:N0} users: one changed row ({change.Field} of {change.Id}: {change.From} → {change.To})");
        config.UseExport(exports.LargeChanged);
        var ((run, _), pages) = await StoreFile.WatchAsync(store, () =>
            context.Cli.ApplyAsync($"apply {exports.LargeUsers:N0} with one changed row", config, store, expectedChanges: 1));
        var sample = new Sample("apply", [run]);
        report.Add(new Figure($"`apply`, one changed row among {exports.LargeUsers:N0}", sample, python, new Target(MaxRatio: 0.5),
            ReferenceText: $"{python.AsReference} (no-op bound: 0.5× = {python.MedianWall * 0.5:0.00} s)"));
        report.Note($"one changed row among {exports.LargeUsers:N0}: {pages.Describe()}; " +
            $"wall {run.WallSeconds / noOpApply.MedianWall:0.00}× the no-op apply; store now {StoreFile.Size(store)}");
    }

    /// <summary>(e): the whole registry as JSON, stream-parsed afterwards, beside sqlite3 -json of the same table.</summary>
    private async Task ListUsersAsync(string folder, string store, long provisioned, int runs)
    {
        var report = context.Report;
        Console.WriteLine($"## users list --output json over {provisioned:N0} users");
        var output = Path.Combine(folder, "users.json");
        var list = new List<Run>();
        var dump = new List<Run>();
        long bytes = 0;
        for (var run = 1; run <= runs; run++)
        {
            list.Add(await context.Cli.ListUsersJsonAsync($"users list --output json #{run}", store, output));
            bytes = new FileInfo(output).Length;
            var items = JsonArrayCheck.CountObjects(output);
            if (items != provisioned) throw new BenchFailure($"users list --output json gave {items:N0} items; the store holds {provisioned:N0} users");
            File.Delete(output);
            dump.Add(await context.References.SqliteJsonAsync($"sqlite3 -json users #{run}", store, output));
            File.Delete(output);
        }
        report.Add(new Figure($"`users list --output json`, {provisioned:N0} users", new Sample("users list", list),
            new Sample("sqlite3 -json", dump), new Target(MaxRssMb: ListMemoryCeilingMb)));
        report.Note($"users list --output json: {bytes / 1048576.0:N1} MB, parsed as a stream: one JSON array of {provisioned:N0} objects, as many as the store's users");
    }
}
