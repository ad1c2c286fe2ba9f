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
        AttributeMapping? attributes = null, CancellationToken cancellationToken = default)
    {
        var source = new DirectorySource
        {
            Metadata = new ResourceMetadata { Name = "hr-export" },
            Spec = new DirectorySourceSpec { Type = DirectorySourceType.Csv, Csv = new CsvSettings { Path = file }, Attributes = attributes },
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var users = new List<ImportedUser>();
        var problems = new List<string>();
        ReadEnd? end = null;
        try
        {
            var context = new ReadContext(Root, null, new LocalSecretResolver(), TimeProvider.System, progress);
            await foreach (var entry in new CsvDirectoryConnector().ReadAsync(source, context, cancellationToken))
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
            return new DirectorySnapshot { Source = "hr-export", Failed = true, Complete = false, Problems = [e.Message], ReadAt = Now };
        }
        Assert.NotNull(end);
        return new DirectorySnapshot
        {
            Source = "hr-export", Users = users, Problems = problems, Complete = problems.Count == 0,
            GroupsSeen = end.GroupsSeen, ReadAt = Now, Duration = watch.Elapsed,
        };
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
