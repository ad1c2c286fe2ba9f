using System.Text;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Csv;

/// <summary>
/// Imports users from a CSV export (<c>spec.csv.path</c>, relative to the YAML file that declared the source).
/// Columns: id, userName, email (required), displayName, givenName, surname, department, title, groups
/// (';'-separated), organizationalUnit, enabled (true/false, yes/no, 1/0; blank is true); any other column becomes
/// an attribute. The columns of id, userName, email, displayName, givenName, surname, department and title may be
/// renamed by the source's <c>spec.attributes</c>. UTF-8, with or without a byte-order mark, or UTF-16 with one.
/// </summary>
public sealed class CsvDirectoryConnector : IDirectoryConnector
{
    /// <summary>Invalid bytes fail the read rather than turn names into replacement characters.</summary>
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private const int BufferSize = 1 << 16;

    public DirectorySourceType Type => DirectorySourceType.Csv;

    public async IAsyncEnumerable<DirectoryEntry> ReadAsync(
        DirectorySource source, ReadContext context, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var read = await ReadFileAsync(source, context, cancellationToken);
        if (read.Failed) throw new DirectoryReadException(Core.Status.ErrorClass.Transient, read.Problems[0]);
        foreach (var user in read.Users) yield return new UserEntry(user);
        foreach (var problem in read.Problems) yield return new ProblemEntry(problem);
        yield return new ReadEnd(ReadMode.Full, null, read.GroupsSeen);
    }

    private static async Task<CsvUserFile.Result> ReadFileAsync(DirectorySource source, ReadContext context, CancellationToken cancellationToken)
    {
        var file = source.Spec.Csv?.Path;
        if (string.IsNullOrWhiteSpace(file)) return Failure($"DirectorySource {source.Name}: spec.csv.path is not set");
        var path = Path.GetFullPath(Path.Combine(context.BaseDirectory, file));
        if (Directory.Exists(path)) return Failure($"{path}: is a folder, not a CSV file");
        if (!File.Exists(path)) return Failure($"{path}: file not found");

        Action<long>? progress = context.Progress is { } watcher
            ? usersRead => watcher.Report(new ImportProgress(source.Name, usersRead, null))
            : null;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            using var text = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, BufferSize);
            return await CsvUserFile.ReadAsync(text, path, source.Spec.Attributes, progress, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Failure($"{path}: file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failure($"{path}: cannot read the file: {e.Message}");
        }
    }

    private static CsvUserFile.Result Failure(string problem) => new([], [problem], Failed: true, GroupsSeen: 0);
}
