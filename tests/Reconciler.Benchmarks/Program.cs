using Reconciler.Benchmarks;
using Reconciler.Benchmarks.EndToEnd;

// make bench [BENCH_ARGS="..."]: `make build` first, then every suite. Each figure sits beside a reference measured in
// the same run (2-core machines are noisy: compare ratios within a run, not times across runs).
//
//   --suite e2e|inprocess|ldap|scim|all  which suites to run (default all)
//   ldap (EndToEnd/LdapSuite): apply of a whole local slapd beside ldapsearch of the same entries
//   --ldap-users N             people in that slapd (default 100000)
//   scim (EndToEnd/ScimSuite): POST, GET by id, GET by filter and PATCH against `run`, 32 clients, beside a
//     minimal Kestrel endpoint answering a fixed user (the HTTP ceiling)
//   --scim-users N             users provisioned by POST (default 100000)
//   end-to-end (EndToEnd/): the published bin/reconciler as a child process under /usr/bin/time -f "%e %M"
//   --e2e-users N              rows of the mid-size export (default 200000)
//   --e2e-large N              rows of the large export (default 1000000)
//   --e2e-runs N               runs of each mid-size command, reported by the median (default 3)
//   --e2e-large-runs N         runs of each large command (default 2)
//   --binary PATH              the binary to measure (default bin/reconciler of this repository)
//   --markdown PATH            also append the end-to-end results as a markdown section to PATH
//   --keep                     keep the work folder (exports, stores, every command's output) and print where
//   in-process (PlannerBench):
//   --users N                  users of the planner bench (default 1000000)
//
// Quick look: make bench BENCH_ARGS="--suite e2e --e2e-users 50000 --e2e-large 200000"
// The LDAP suite's library-alone reference runs this program again with this flag first (EndToEnd/LibrarySearch).
if (args is [LibrarySearch.Flag, ..]) return LibrarySearch.Run(args[1..]);
string[] flags = ["--keep"];
string[] valued = ["--ldap-users", "--scim-users", "--suite", "--users", "--e2e-users", "--e2e-large", "--e2e-runs", "--e2e-large-runs", "--binary", "--markdown"];
for (var i = 0; i < args.Length; i++)
{
    if (flags.Contains(args[i])) continue;
    if (valued.Contains(args[i]) && i + 1 < args.Length) { i++; continue; }
    return Usage($"unknown or incomplete argument '{args[i]}'");
}
var suite = Text("--suite") ?? "all";
if (suite is not ("e2e" or "inprocess" or "ldap" or "scim" or "all")) return Usage($"--suite '{suite}': use e2e, inprocess, ldap, scim or all");
if (!TryInt("--users", 1_000_000, out var users)
    || !TryInt("--e2e-users", 200_000, out var e2eUsers) || !TryInt("--e2e-large", 1_000_000, out var e2eLarge)
    || !TryInt("--e2e-runs", 3, out var e2eRuns) || !TryInt("--e2e-large-runs", 2, out var e2eLargeRuns))
{
    return Usage("sizes and run counts are positive whole numbers");
}
var root = RepositoryRoot();

Console.WriteLine($"Reconciler benchmarks — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}");
Console.WriteLine();
try
{
    if (suite is "inprocess" or "all") await InProcessAsync();
    if (suite is "e2e" or "all")
    {
        var binary = Path.GetFullPath(Text("--binary") ?? Path.Combine(root, "bin", "reconciler"));
        await new EndToEndSuite(new EndToEndOptions(e2eUsers, e2eLarge, e2eRuns, e2eLargeRuns, binary, root, Text("--markdown"),
            args.Contains("--keep"))).RunAsync();
    }
    if (suite is "ldap" or "all")
    {
        if (!TryInt("--ldap-users", 100_000, out var ldapUsers)) return Usage("--ldap-users is a positive whole number");
        var binary = Path.GetFullPath(Text("--binary") ?? Path.Combine(root, "bin", "reconciler"));
        await new Reconciler.Benchmarks.EndToEnd.LdapSuite(ldapUsers, e2eRuns, binary, Text("--markdown")).RunAsync();
    }
    if (suite is "scim" or "all")
    {
        if (!TryInt("--scim-users", 100_000, out var scimUsers)) return Usage("--scim-users is a positive whole number");
        var binary = Path.GetFullPath(Text("--binary") ?? Path.Combine(root, "bin", "reconciler"));
        await new Reconciler.Benchmarks.EndToEnd.ScimSuite(scimUsers, binary, Text("--markdown")).RunAsync();
    }
    return 0;
}
catch (BenchFailure failure)
{
    Console.Error.WriteLine($"bench failed: {failure.Message}");
    return 1;
}

async Task InProcessAsync()
{
    PlannerBench.Run(users);
    await Task.CompletedTask;
}

string? Text(string name)
{
    var i = Array.LastIndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

bool TryInt(string name, int fallback, out int value)
{
    value = fallback;
    return Text(name) is not { } text || (int.TryParse(text, out value) && value > 0);
}

// The folder holding Reconciler.sln, above this program's build output (or the current folder when run elsewhere).
static string RepositoryRoot()
{
    foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Reconciler.sln"))) return folder.FullName;
        }
    }
    return Directory.GetCurrentDirectory();
}

static int Usage(string problem)
{
    Console.Error.WriteLine($"{problem}\nusage: make bench BENCH_ARGS=\"[--suite e2e|inprocess|ldap|all] [--ldap-users N] [--e2e-users N] [--e2e-large N] [--e2e-runs N] " +
        "[--e2e-large-runs N] [--binary PATH] [--markdown PATH] [--keep] [--users N]\" (see tests/Reconciler.Benchmarks/Program.cs)");
    return 2;
}
