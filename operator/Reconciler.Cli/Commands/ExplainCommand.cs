using System.CommandLine;
using Reconciler.Cli.Engine;
using Reconciler.Cli.Output;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
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
            var snapshots = await CliContext.Importer.ImportAsync(desired, desired.Sources, showProgress: false, ct);
            IReadOnlyList<ProvisionedUser> registry = opened is null ? [] : await opened.LoadRegistryAsync(ct);
            var found = UserExplainer.Explain(desired, snapshots, registry, query, new PlanOptions(CliContext.Clock.GetUtcNow()));
            if (found.Count == 0)
            {
                Terminal.Error($"no user '{query}' in any source or in the registry");
                return 1;
            }
            if (parse.GetValue(output) == "json")
            {
                Console.WriteLine(CliJson.Serialize(found));
                return 0;
            }
            foreach (var e in found)
            {
                var who = e.Imported;
                Terminal.Line($"{who?.Email ?? e.Provisioned?.Email} ({who?.UserName ?? e.Provisioned?.UserName}), id {e.ExternalId} in source {e.Source}");
                if (e.Provisioned is { } row)
                {
                    Terminal.Line($"  registry: {row.State}, mapping {row.Mapping}, profile {row.Profile}, region {row.StorageRegion}, " +
                        $"quota {Core.Resources.Quantity.Format(row.QuotaBytes)}");
                }
                else
                {
                    Terminal.Line("  registry: not provisioned");
                }
                if (e.Imported is null) Terminal.Line("  directory: not in the last read of the source");
                if (e.Mappings.Count > 0)
                {
                    var table = new Table().AddColumns("Mapping", "Priority", "Outcome");
                    foreach (var m in e.Mappings)
                    {
                        table.AddRow(Terminal.Cell(m.Mapping), Terminal.Cell(m.Priority.ToString()), Terminal.Cell(m.Outcome));
                    }
                    Terminal.Render(table);
                }
                Terminal.Line("  " + e.Outcome);
            }
            return 0;
        }));
        return command;
    }
}
