using System.Text;
using Reconciler.Connectors.Csv;
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

    public Task<DirectorySnapshot> ImportAsync(string file = "users.csv", IProgress<ImportProgress>? progress = null,
        AttributeMapping? attributes = null, CancellationToken cancellationToken = default)
    {
        var source = new DirectorySource
        {
            Metadata = new ResourceMetadata { Name = "hr-export" },
            Spec = new DirectorySourceSpec { Type = DirectorySourceType.Csv, Csv = new CsvSettings { Path = file }, Attributes = attributes },
        };
        return new CsvDirectoryConnector().ImportAsync(source, new ImportContext(Root, Now, progress), cancellationToken);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
