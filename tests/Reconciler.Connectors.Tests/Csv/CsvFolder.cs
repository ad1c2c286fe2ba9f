using System.Text;
using Reconciler.Connectors.Csv;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Tests.Csv;

/// <summary>A temp folder standing for the folder of the YAML file; CSV files are written into it and imported.</summary>
public sealed class CsvFolder : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 5, 1, 9, 30, 0, TimeSpan.Zero);

    public CsvFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "reconciler-csv-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes the file (UTF-8 without BOM unless told) and returns its full path.</summary>
    public string Write(string name, string content, Encoding? encoding = null)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, encoding ?? new UTF8Encoding(false));
        return path;
    }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>Reads the file as the engine would and gathers what the read yielded into a snapshot.</summary>
    public async Task<DirectorySnapshot> ImportAsync(string file = "users.csv", IProgress<ImportProgress>? progress = null,
        AttributeMapping? attributes = null, CancellationToken cancellationToken = default) =>
        (await ReadAsync(file, cursor: null, progress, attributes, cancellationToken)).Snapshot;

    /// <summary>Reads the file with a stored cursor, keeping every entry in the order the connector yielded it.</summary>
    public async Task<CsvRead> ReadAsync(string file = "users.csv", string? cursor = null, IProgress<ImportProgress>? progress = null,
        AttributeMapping? attributes = null, CancellationToken cancellationToken = default)
    {
        var source = new DirectorySource
        {
            Metadata = new ResourceMetadata { Name = "hr-export" },
            Spec = new DirectorySourceSpec { Type = DirectorySourceType.Csv, Csv = new CsvSettings { Path = file }, Attributes = attributes },
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var entries = new List<DirectoryEntry>();
        try
        {
            var context = new ReadContext(Root, cursor, new LocalSecretResolver(), TimeProvider.System, progress);
            await foreach (var entry in new CsvDirectoryConnector().ReadAsync(source, context, cancellationToken))
            {
                Assert.False(entries.LastOrDefault() is ReadEnd, "nothing may follow the ReadEnd");
                entries.Add(entry);
            }
        }
        catch (DirectoryReadException e)
        {
            return new CsvRead(entries, e, watch.Elapsed);
        }
        Assert.IsType<ReadEnd>(entries.LastOrDefault());
        return new CsvRead(entries, null, watch.Elapsed);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>What one read yielded, in order, or the failure that ended it (after which nothing of it counts).</summary>
public sealed record CsvRead(IReadOnlyList<DirectoryEntry> Entries, DirectoryReadException? Failure, TimeSpan Duration)
{
    public ReadEnd End => Entries.OfType<ReadEnd>().Single();

    public IReadOnlyList<ImportedUser> Users => [.. Entries.OfType<UserEntry>().Select(e => e.User)];

    public IReadOnlyList<string> Problems => [.. Entries.OfType<ProblemEntry>().Select(e => e.Message)];

    /// <summary>The read as the engine keeps it; a failed read keeps nothing but its message.</summary>
    public DirectorySnapshot Snapshot => Failure is { } failure
        ? new DirectorySnapshot { Source = "hr-export", Failed = true, Complete = false, Problems = [failure.Message], ReadAt = CsvFolder.Now }
        : new DirectorySnapshot
        {
            Source = "hr-export", Users = Users, Problems = Problems, Complete = Problems.Count == 0,
            GroupsSeen = End.GroupsSeen, Cursor = End.NextCursor, ReadAt = CsvFolder.Now, Duration = Duration,
        };
}
