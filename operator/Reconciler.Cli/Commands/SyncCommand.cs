using System.CommandLine;
using Reconciler.Cli.Hosting;
using Reconciler.Cli.Output;

namespace Reconciler.Cli.Commands;

/// <summary>`sync SOURCE`: read one source now and reconcile it, in one transaction, as `run` would on its interval.</summary>
public static class SyncCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("SOURCE") { Description = "Name of a DirectorySource (namespace/name outside the default namespace)" };
        var config = Options.Config();
        var store = Options.Store();
        var allow = Options.AllowDeletions();
        var command = new Command("sync", "Read one directory source now and reconcile it") { name, config, store, allow };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var desired = CliContext.Load(parse.GetValue(config)!);
            if (desired is null) return 1;
            var wanted = parse.GetValue(name)!;
            if (CliContext.Source(desired, wanted) is not { } source) return 1;
            if (source.Spec.Suspend)
            {
                Terminal.Error($"source {wanted} is suspended (spec.suspend: true): it is neither read nor reconciled");
                return 1;
            }
            return await StoreLocation.WriteAsync(parse.GetValue(store)!, async opened =>
            {
                var outcome = await ApplyCommand.ApplyAsync(opened, desired, [source], parse.GetValue(allow), ct);
                if (outcome is null) return 1;
                Terminal.Line($"{wanted}: {outcome.Written} change(s) applied ({outcome.Scopes.GetValueOrDefault(wanted).ToString().ToLowerInvariant()} plan).");
                return outcome.Plan.Blocked.Count > 0 ? 2 : 0;
            }, ct);
        }));
        return command;
    }
}
