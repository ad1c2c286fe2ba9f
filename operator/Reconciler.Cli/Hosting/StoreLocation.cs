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
    /// Opens an existing store read-only, or returns null when there is none yet (a first plan). Whatever stands in
    /// the way of a store (a folder at its path, an empty path) is opened, to be refused with its reason.
    /// </summary>
    public static async Task<IReconcilerStore?> OpenExistingAsync(string location, CancellationToken cancellationToken) =>
        location.Contains("://", StringComparison.Ordinal) || File.Exists(location) || Directory.Exists(location) || string.IsNullOrWhiteSpace(location)
            ? await OpenAsync(location, readOnly: true, cancellationToken)
            : null;
}
