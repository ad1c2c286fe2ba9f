using System.Runtime.CompilerServices;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Csv;

/// <summary>
/// Imports users from a CSV export (<c>spec.csv.path</c>, relative to the YAML file that declared the source).
/// Columns: id, userName, email (required), displayName, givenName, surname, department, title, groups
/// (';'-separated), organizationalUnit, enabled (true/false, yes/no, 1/0; blank is true); any other column becomes
/// an attribute. The columns of id, userName, email, displayName, givenName, surname, department and title may be
/// renamed by the source's <c>spec.attributes</c>. UTF-8, with or without a byte-order mark, or UTF-16 with one.
/// <para>
/// Every read is a full read, streamed row by row. Its cursor is a fingerprint of the file's bytes, the attribute
/// mapping and the reader's format version, with the file's length and modification time: when the stored cursor
/// matches the file as it is now, the file is only hashed, not parsed, and the read is an empty delta; a file of
/// another length or time is parsed straight away. A read that skipped rows gets no cursor, so the next one reads
/// the file again and reports them again.
/// </para>
/// </summary>
public sealed class CsvDirectoryConnector : IDirectoryConnector
{
    public DirectorySourceType Type => DirectorySourceType.Csv;

    public async IAsyncEnumerable<DirectoryEntry> ReadAsync(
        DirectorySource source, ReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(source, context);
        var shownPath = SafeText.Show(path, 1024);
        var mapping = source.Spec.Attributes;

        if (context.Cursor is { } cursor)
        {
            await using var unchanged = CsvFile.Open(path, shownPath, CsvFingerprint.Start(mapping));
            if (CsvFingerprint.MayBeUnchanged(cursor, unchanged.Length, unchanged.Modified)
                && await unchanged.HashToEndAsync(cancellationToken) == cursor)
            {
                yield return new ReadEnd(ReadMode.Delta, cursor);
                yield break;
            }
        }

        Action<long>? progress = context.Progress is { } watcher
            ? usersRead => watcher.Report(new ImportProgress(source.Name, usersRead, null))
            : null;
        await using var file = CsvFile.Open(path, shownPath, CsvFingerprint.Start(mapping));
        var users = new CsvUserFile(shownPath, mapping, progress, file.Length);
        await foreach (var entry in users.ReadAsync(new CsvText(file), cancellationToken)) yield return entry;
        var fingerprint = file.Fingerprint();
        yield return new ReadEnd(ReadMode.Full, users.Complete ? fingerprint : null, users.GroupsSeen);
    }

    /// <summary>The export's full path; a path that cannot name a CSV file fails the read until someone fixes it.</summary>
    private static string PathOf(DirectorySource source, ReadContext context)
    {
        var file = source.Spec.Csv?.Path;
        if (string.IsNullOrWhiteSpace(file)) throw Stalling($"DirectorySource {SafeText.Show(source.Name)}: spec.csv.path is not set");
        string path;
        try
        {
            path = Path.GetFullPath(Path.Combine(context.BaseDirectory, file));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Stalling($"DirectorySource {SafeText.Show(source.Name)}: spec.csv.path '{SafeText.Show(file)}' is not a valid path");
        }
        if (Directory.Exists(path)) throw Stalling($"{SafeText.Show(path, 1024)}: is a folder, not a CSV file");
        if (!File.Exists(path)) throw Stalling($"{SafeText.Show(path, 1024)}: file not found");
        return path;
    }

    private static DirectoryReadException Stalling(string message) => new(ErrorClass.Stalling, message);
}
