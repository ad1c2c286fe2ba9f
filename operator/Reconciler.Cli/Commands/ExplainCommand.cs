using System.CommandLine;
using Reconciler.Cli.Hosting;
using Reconciler.Cli.Output;
using Reconciler.Core.Planning;
using Reconciler.Core.Resources;
using Reconciler.Engine.Reconciling;
using Spectre.Console;

namespace Reconciler.Cli.Commands;

/// <summary>`explain USER`: which mapping won, which lost on priority, which clause failed, and what a plan does.</summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var user = new Argument<string>("USER") { Description = "Email, user name or directory id" };
        var config = Options.Config();
        var store = Options.Store();
        var output = Options.Output();
        var command = new Command("explain", "Explain why a user is (not) provisioned the way it is") { user, config, store, output };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var desired = CliContext.Load(parse.GetValue(config)!);
            if (desired is null) return 1;
            var query = parse.GetValue(user)!;
            await using var opened = await StoreLocation.OpenExistingAsync(parse.GetValue(store)!, ct);
            var reads = await CliServices.ReadAllAsync(desired, opened, showProgress: false, ct);
            PlanPrinter.ReadProblems(reads);
            var found = new List<(DirectorySource Source, UserPair Pair)>();
            var changes = new Capture(query);
            var outcome = await CliServices.Reconciliation().RunAsync(opened, desired, reads, new ReconcileOptions(DryRun: true)
            {
                Whole = true,
                Observer = changes,
                Inspect = input => input with { Users = new Finder(input.Source, input.Users, query, found) },
            }, ct);
            var explanations = found.Select(f => UserExplainer.Explain(desired, f.Source, f.Pair.Imported, f.Pair.Provisioned, outcome.Plan,
                changes.For(f.Source.Key.QualifiedName, f.Pair.Id))).ToList();
            if (explanations.Count == 0)
            {
                Terminal.Error($"no user '{query}' in any source or in the registry");
                return 1;
            }
            if (parse.GetValue(output) == "json")
            {
                Console.WriteLine(CliJson.Serialize(explanations));
                return 0;
            }
            foreach (var e in explanations) Print(e);
            return 0;
        }));
        return command;
    }

    private static void Print(UserExplanation e)
    {
        var who = e.Imported;
        Terminal.Line($"{who?.Email ?? e.Provisioned?.Email} ({who?.UserName ?? e.Provisioned?.UserName}), id {e.ExternalId} in source {e.Source}");
        Terminal.Line(e.Provisioned is { } row
            ? $"  registry: {row.State}, mapping {row.Mapping}, profile {row.Profile}, region {row.StorageRegion}, quota {Quantity.Format(row.QuotaBytes)}"
            : "  registry: not provisioned");
        if (e.Imported is null) Terminal.Line("  directory: not in the last read of the source");
        if (e.Mappings.Count > 0)
        {
            var table = new Table().AddColumns("Mapping", "Priority", "Outcome");
            foreach (var m in e.Mappings) table.AddRow(Terminal.Cell(m.Mapping), Terminal.Cell(m.Priority.ToString()), Terminal.Cell(m.Outcome));
            Terminal.Render(table);
        }
        Terminal.Line("  " + e.Outcome);
    }

    /// <summary>Spots the user asked about among a source's users as the planner walks them.</summary>
    private sealed class Finder(DirectorySource source, IPlanUsers users, string query, List<(DirectorySource, UserPair)> found) : IPlanUsers
    {
        private bool _provisionedSeen, _unprovisionedSeen;

        public IEnumerable<UserPair> Pairs(PairSet set)
        {
            // Each pair is spotted once, on the first walk that includes it.
            var provisioned = !_provisionedSeen && set != PairSet.Unprovisioned;
            var unprovisioned = !_unprovisionedSeen && set != PairSet.Provisioned;
            _provisionedSeen |= provisioned;
            _unprovisionedSeen |= unprovisioned;
            foreach (var pair in users.Pairs(set))
            {
                if ((pair.Provisioned is null ? unprovisioned : provisioned) && Answers(pair)) found.Add((source, pair));
                yield return pair;
            }
        }

        private bool Answers(UserPair pair) =>
            (pair.Imported is { } u && UserExplainer.Matches(query, u.Id, u.Email, u.UserName))
            || (pair.Provisioned is { } r && UserExplainer.Matches(query, r.ExternalId, r.Email, r.UserName));
    }

    /// <summary>Keeps the changes a plan makes for users that answer to the query.</summary>
    private sealed class Capture(string query) : IPlanSink
    {
        private readonly List<PlanAction> _changes = [];

        public void Add(PlanAction change)
        {
            if (UserExplainer.Matches(query, change.ExternalId, change.After.Email, change.After.UserName)
                || (change.Before is { } before && UserExplainer.Matches(query, before.ExternalId, before.Email, before.UserName)))
            {
                _changes.Add(change);
            }
        }

        public PlanAction? For(string source, string id) => _changes.FirstOrDefault(c => c.Source == source && c.ExternalId == id);
    }
}
