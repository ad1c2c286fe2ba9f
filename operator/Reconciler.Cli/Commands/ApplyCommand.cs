using System.CommandLine;
using Reconciler.Cli.Engine;
using Reconciler.Cli.Output;

namespace Reconciler.Cli.Commands;

/// <summary>
/// `apply`: plan and write it in one transaction. Exit 0 applied, 1 error (nothing written), 2 applied but removals
/// are held back by a deletion guard.
/// </summary>
public static class ApplyCommand
{
    public static Command Create()
    {
        var config = Options.Config();
        var store = Options.Store();
        var allow = new Option<bool>("--allow-deletions") { Description = "Acknowledge removals beyond a source's deletion guard" };
        var command = new Command("apply", "Import, plan and apply in one transaction") { config, store, allow };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var desired = CliContext.Load(parse.GetValue(config)!);
            if (desired is null) return 1;
            var location = parse.GetValue(store)!;
            await using var opened = await StoreLocation.OpenAsync(location, readOnly: false, ct);
            var pass = await CliContext.Engine.PlanAsync(desired, opened, parse.GetValue(allow), showProgress: true, ct);
            if (!PlanPrinter.ReadProblems(pass.Snapshots.Values))
            {
                Terminal.Error("nothing was applied: a source could not be read (see above)");
                return 1;
            }
            PlanPrinter.Table(pass.Plan);
            var outcome = await CliContext.Engine.ApplyAsync(pass, opened, ct);
            Terminal.Line($"Applied {outcome.Result.UsersWritten} change(s) to {location} (revision {desired.Revision}).");
            return pass.Plan.Blocked.Count > 0 ? 2 : 0;
        }));
        return command;
    }
}
