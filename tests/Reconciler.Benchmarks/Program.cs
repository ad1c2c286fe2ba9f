using Reconciler.Benchmarks;

// make bench: each figure beside a reference measured in the same run. Sizes can be lowered for a quick look:
//   make bench BENCH_ARGS="--users 100000 --apply-users 20000"
var users = Arg("--users", 1_000_000);
var applyUsers = Arg("--apply-users", 100_000);
var work = Directory.CreateTempSubdirectory("reconciler-bench-").FullName;
Console.WriteLine($"Reconciler benchmarks — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}");
Console.WriteLine();
try
{
    PlannerBench.Run(users);


}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(work, recursive: true);
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
