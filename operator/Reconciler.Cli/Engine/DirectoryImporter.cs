using Reconciler.Cli.Output;
using Reconciler.Connectors;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Spectre.Console;

namespace Reconciler.Cli.Engine;

/// <summary>Reads every declared, non-suspended source with its connector; progress bars on a terminal.</summary>
public sealed class DirectoryImporter(IReadOnlyList<IDirectoryConnector> connectors, TimeProvider clock)
{
    public async Task<Dictionary<string, DirectorySnapshot>> ImportAsync(
        DesiredState desired, IEnumerable<DirectorySource> sources, bool showProgress, CancellationToken cancellationToken)
    {
        var wanted = sources.Where(s => !s.Spec.Suspend).ToList();
        var result = new Dictionary<string, DirectorySnapshot>(StringComparer.Ordinal);
        if (showProgress && Terminal.Interactive && wanted.Count > 0)
        {
            await AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    foreach (var source in wanted)
                    {
                        var task = ctx.AddTask($"import {Markup.Escape(source.Name)}", maxValue: 1);
                        task.IsIndeterminate = true;
                        var progress = new Progress<ImportProgress>(p =>
                        {
                            task.Description = $"import {Markup.Escape(source.Name)}: {p.UsersRead:N0} users";
                            if (p.TotalUsers is > 0 and var total)
                            {
                                task.IsIndeterminate = false;
                                task.MaxValue = total;
                                task.Value = p.UsersRead;
                            }
                        });
                        result[source.Name] = await ImportOneAsync(desired, source, progress, cancellationToken);
                        task.Value = task.MaxValue;
                        task.StopTask();
                    }
                });
            return result;
        }
        foreach (var source in wanted)
        {
            result[source.Name] = await ImportOneAsync(desired, source, null, cancellationToken);
        }
        return result;
    }

    public async Task<DirectorySnapshot> ImportOneAsync(
        DesiredState desired, DirectorySource source, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var connector = connectors.FirstOrDefault(c => c.Type == source.Spec.Type);
        if (connector is null)
        {
            return new DirectorySnapshot
            {
                Source = source.Name,
                Failed = true,
                Complete = false,
                Problems = [$"type {source.Spec.Type} is not supported yet"],
                ReadAt = clock.GetUtcNow(),
            };
        }
        var origin = desired.OriginOf(source);
        var baseDirectory = origin is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(origin.File))!;
        return await connector.ImportAsync(source, new ImportContext(baseDirectory, clock.GetUtcNow(), progress), cancellationToken);
    }
}
