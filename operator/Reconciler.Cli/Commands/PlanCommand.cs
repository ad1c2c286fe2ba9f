using System.CommandLine;
using Reconciler.Cli.Hosting;
using Reconciler.Cli.Output;
using Reconciler.Engine.Reconciling;

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
            var json = parse.GetValue(output) == "json";
            var folder = parse.GetValue(config)!;
            var loaded = new Sources.Folder.FolderLoader().Load(folder);
            if (loaded.State is not { } desired)
            {
                foreach (var error in loaded.Errors) Console.Error.WriteLine(error.ToString());
                Console.Error.WriteLine($"{loaded.Errors.Count} error(s) in {folder}; no plan.");
                if (json) PlanJsonWriter.Refusal(loaded.Errors.Select(e => ((string?)null, e.ToString())), null);
                return 1;
            }
            await using var opened = await StoreLocation.OpenExistingAsync(parse.GetValue(store)!, ct);
            var reads = await CliServices.ReadAllAsync(desired, opened, showProgress: !json, ct);
            using var spilled = new ApplyCommand.Disposables(reads.Select(r => r.Changes));
            if (!PlanPrinter.ReadProblems(reads))
            {
                Terminal.Error("no plan: a source could not be read (see above)");
                if (json)
                {
                    PlanJsonWriter.Refusal(reads.Where(r => r.IsFailed).SelectMany(r => r.Problems.Select(p => ((string?)r.Name, p))), desired.Revision);
                }
                return 1;
            }
            if (json)
            {
                using var writer = new PlanJsonWriter(desired.Revision);
                var outcome = await CliServices.Reconciliation().RunAsync(opened, desired, reads, new ReconcileOptions(DryRun: true) { Observer = writer }, ct);
                writer.Finish(outcome.Plan);
                return ExitCode(outcome);
            }
            var preview = new PlanPreview(PlanPrinter.MaxRows);
            var planned = await CliServices.Reconciliation().RunAsync(opened, desired, reads, new ReconcileOptions(DryRun: true) { Observer = preview }, ct);
            PlanPrinter.Table(planned.Plan, preview.First, preview.Count);
            return ExitCode(planned);
        }));
        return command;
    }

    public static int ExitCode(ReconcileOutcome outcome) => outcome.Plan.IsEmpty && outcome.Plan.Blocked.Count == 0 ? 0 : 2;
}
