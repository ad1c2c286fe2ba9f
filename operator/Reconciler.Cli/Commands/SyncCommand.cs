using System.CommandLine;
using Reconciler.Cli.Engine;
using Reconciler.Cli.Output;

namespace Reconciler.Cli.Commands;

/// <summary>`sync SOURCE`: read one source now and keep its snapshot, without provisioning anyone.</summary>
public static class SyncCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("SOURCE") { Description = "Name of a DirectorySource" };
        var config = Options.Config();
        var store = Options.Store();
        var command = new Command("sync", "Read one directory source now and record its snapshot") { name, config, store };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var desired = CliContext.Load(parse.GetValue(config)!);
            if (desired is null) return 1;
            var source = desired.Sources.FirstOrDefault(s => s.Name == parse.GetValue(name));
            if (source is null)
            {
                Terminal.Error($"no DirectorySource named '{parse.GetValue(name)}' (declared: {string.Join(", ", desired.Sources.Select(s => s.Name))})");
                return 1;
            }
            var snapshot = (await CliContext.Importer.ImportAsync(desired, [source], showProgress: true, ct)).GetValueOrDefault(source.Name);
            if (snapshot is null || snapshot.Failed)
            {
                Terminal.Error($"source {source.Name}: {(snapshot is null ? "suspended" : string.Join("; ", snapshot.Problems))}");
                return 1;
            }
            foreach (var problem in snapshot.Problems) Terminal.Warn(problem);
            await using var opened = await StoreLocation.OpenAsync(parse.GetValue(store)!, readOnly: false, ct);
            var written = await opened.SaveSnapshotAsync(snapshot, ct);
            Terminal.Line($"{source.Name}: {snapshot.Users.Count} users, {snapshot.GroupsSeen} groups" +
                $"{(snapshot.Complete ? "" : " (incomplete)")}; snapshot {(written ? "updated" : "unchanged")}");
            return 0;
        }));
        return command;
    }
}
