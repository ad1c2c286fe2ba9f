using System.CommandLine;
using Reconciler.Cli.Engine;
using Reconciler.Cli.Output;

namespace Reconciler.Cli.Commands;

/// <summary>
/// `plan`: what apply would do. Exit 0 no changes, 2 changes (or removals a deletion guard holds back, which need
/// `apply --allow-deletions`), 1 error. Writes nothing.
/// </summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var config = Options.Config();
        var store = Options.Store();
        var output = Options.Output();
        var command = new Command("plan", "Show what apply would change (exit 0: none, 2: changes, 1: error)") { config, store, output };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var desired = CliContext.Load(parse.GetValue(config)!);
            if (desired is null) return 1;
            var json = parse.GetValue(output) == "json";
            await using var opened = await StoreLocation.OpenExistingAsync(parse.GetValue(store)!, ct);
            var pass = await CliContext.Engine.PlanAsync(desired, opened, allowDeletions: false, showProgress: !json, ct);
            if (!PlanPrinter.ReadProblems(pass.Snapshots.Values))
            {
                Terminal.Error("no plan: a source could not be read (see above)");
                return 1;
            }
            if (json) Console.WriteLine(CliJson.Serialize(PlanPrinter.Document(pass.Plan, desired.Revision)));
            else PlanPrinter.Table(pass.Plan);
            return pass.Plan.IsEmpty && pass.Plan.Blocked.Count == 0 ? 0 : 2;
        }));
        return command;
    }
}
