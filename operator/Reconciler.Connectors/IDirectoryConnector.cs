using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors;

/// <summary>Reads one type of directory into a snapshot. One implementation per DirectorySource type.</summary>
public interface IDirectoryConnector
{
    DirectorySourceType Type { get; }

    /// <summary>
    /// Reads the source. Expected failures (unreachable server, malformed rows) come back as an incomplete
    /// snapshot with problems; only cancellation throws.
    /// </summary>
    Task<DirectorySnapshot> ImportAsync(DirectorySource source, ImportContext context, CancellationToken cancellationToken);
}

/// <param name="BaseDirectory">Folder of the YAML file that declared the source; relative paths resolve against it.</param>
/// <param name="Now">Time stamped on the snapshot.</param>
/// <param name="Progress">Receives users read so far; null when nobody watches.</param>
public sealed record ImportContext(string BaseDirectory, DateTimeOffset Now, IProgress<ImportProgress>? Progress = null);

public sealed record ImportProgress(string Source, long UsersRead, long? TotalUsers);
