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
            // Redirected output gets plain lines on stderr (stdout stays parseable): one per 100,000 users and one at the end.
            var lines = showProgress ? new PlainProgress(source.Name) : null;
            var snapshot = await ImportOneAsync(desired, source, lines, cancellationToken);
            lines?.Done(snapshot);
            result[source.Name] = snapshot;
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
        var started = clock.GetTimestamp();
        var readAt = clock.GetUtcNow();
        var users = new List<ImportedUser>();
        var problems = new List<string>();
        ReadEnd? end = null;
        try
        {
            await foreach (var entry in connector.ReadAsync(source, new ReadContext(baseDirectory, null, Secrets, clock, progress), cancellationToken))
            {
                switch (entry)
                {
                    case UserEntry u: users.Add(u.User); break;
                    case ProblemEntry p: problems.Add(p.Message); break;
                    case ReadEnd e: end = e; break;
                }
            }
        }
        catch (DirectoryReadException e)
        {
            return new DirectorySnapshot { Source = source.Name, Failed = true, Complete = false, Problems = [e.Message], ReadAt = readAt };
        }
        return new DirectorySnapshot
        {
            Source = source.Name,
            Users = users,
            Problems = problems,
            Complete = problems.Count == 0,
            GroupsSeen = end?.GroupsSeen ?? 0,
            ReadAt = readAt,
            Duration = clock.GetElapsedTime(started),
        };
    }

    private static readonly Connectors.Secrets.LocalSecretResolver Secrets = new();
}

/// <summary>Progress as plain lines, for logs and pipes.</summary>
internal sealed class PlainProgress(string source) : IProgress<ImportProgress>
{
    private const long Every = 100_000;
    private long _next = Every;

    public void Report(ImportProgress value)
    {
        if (value.UsersRead < _next) return;
        _next = (value.UsersRead / Every + 1) * Every;
        Console.Error.WriteLine($"import {source}: {value.UsersRead:N0} users read...");
    }

    public void Done(DirectorySnapshot snapshot) =>
        Console.Error.WriteLine(snapshot.Failed
            ? $"import {source}: failed"
            : $"import {source}: {snapshot.Users.Count:N0} users read in {GoDuration.Format(snapshot.Duration)}{(snapshot.Complete ? "" : " (incomplete)")}");
}
