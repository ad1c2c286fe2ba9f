using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Cli.Hosting;

/// <summary>Turns --store into a store: a SQLite path (the embedded default) or, later, postgres://.</summary>
public static class StoreLocation
{
    public const string Default = ".reconciler/state.db";

    public static async Task<IReconcilerStore> OpenAsync(string location, bool readOnly, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            throw new StoreException($"--store is empty: give the path of the SQLite file, e.g. {Default}");
        }
        if (location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreException("the PostgreSQL store is not available yet: use a SQLite path for --store");
        }
        return await SqliteStore.OpenAsync(location, readOnly, cancellationToken);
    }

    /// <summary>
    /// Runs a command that writes (`apply`, `sync`) on the store at <paramref name="location"/>, creating it when
    /// missing. When the command does not succeed (exit 1, interrupted, any error), a store it created is removed
    /// again if nothing was committed to it, with the folders made for it: a failed first apply leaves nothing behind.
    /// </summary>
    public static async Task<int> WriteAsync(string location, Func<IReconcilerStore, Task<int>> command, CancellationToken cancellationToken)
    {
        var created = NewPath(location);
        var firstNewFolder = created is null ? null : FirstMissingFolder(created);
        var succeeded = false;
        try
        {
            int exit;
            await using (var store = await OpenAsync(location, readOnly: false, cancellationToken))
            {
                exit = await command(store);
            }
            succeeded = exit != 1;
            return exit;
        }
        finally
        {
            if (!succeeded && created is not null && SqliteStore.RemoveIfEmpty(created) && firstNewFolder is not null)
            {
                RemoveEmptyFolders(System.IO.Path.GetDirectoryName(created)!, firstNewFolder);
            }
        }
    }

    /// <summary>The full path of a SQLite store that does not exist yet; null when it exists or is not a plain path.</summary>
    private static string? NewPath(string location)
    {
        if (string.IsNullOrWhiteSpace(location) || location.Contains("://", StringComparison.Ordinal)) return null;
        try
        {
            var full = System.IO.Path.GetFullPath(location);
            return File.Exists(full) || Directory.Exists(full) ? null : full;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    /// <summary>The outermost folder on the way to <paramref name="path"/> that does not exist yet, or null.</summary>
    private static string? FirstMissingFolder(string path)
    {
        string? missing = null;
        for (var folder = System.IO.Path.GetDirectoryName(path); !string.IsNullOrEmpty(folder) && !Directory.Exists(folder);
             folder = System.IO.Path.GetDirectoryName(folder))
        {
            missing = folder;
        }
        return missing;
    }

    /// <summary>Removes <paramref name="folder"/> and its parents up to <paramref name="outermost"/>, each only while empty.</summary>
    private static void RemoveEmptyFolders(string folder, string outermost)
    {
        try
        {
            for (var current = folder; current is not null; current = System.IO.Path.GetDirectoryName(current))
            {
                if (Directory.EnumerateFileSystemEntries(current).Any()) return;
                Directory.Delete(current);
                if (string.Equals(current, outermost, StringComparison.Ordinal)) return;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left as it is: an empty folder is harmless.
        }
    }

    /// <summary>
    /// Opens an existing store read-only, or returns null when there is none yet (a first plan). Whatever stands in
    /// the way of a store (a folder at its path, an empty path) is opened, to be refused with its reason.
    /// </summary>
    public static async Task<IReconcilerStore?> OpenExistingAsync(string location, CancellationToken cancellationToken) =>
        location.Contains("://", StringComparison.Ordinal) || File.Exists(location) || Directory.Exists(location) || string.IsNullOrWhiteSpace(location)
            ? await OpenAsync(location, readOnly: true, cancellationToken)
            : null;
}
