using Microsoft.Data.Sqlite;
using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Each call takes a pooled connection for its duration, so
/// readers (status page, <c>users list</c>) run beside a writer. SQLite runs in-process, so calls complete
/// synchronously; their tasks are already finished when returned.
/// </summary>
public sealed class SqliteStore : IReconcilerStore
{
    private const string ConnectionPragmas = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";

    private readonly string connectionString;
    private bool disposed;

    private SqliteStore(string path, bool readOnly)
    {
        Path = path;
        ReadOnly = readOnly;
        connectionString = ConnectionString(path, readOnly, pooling: true);
    }

    /// <summary>Full path of the store's file.</summary>
    public string Path { get; }

    public bool ReadOnly { get; }

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating it (and its folder) and bringing its schema up to date
    /// unless <paramref name="readOnly"/>. Every way this can fail is a <see cref="StoreException"/> naming the path.
    /// </summary>
    public static Task<SqliteStore> OpenAsync(string path, bool readOnly, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Open(path, readOnly));
        }
        catch (Exception e)
        {
            return Task.FromException<SqliteStore>(e);
        }
    }

    public Task<IReadOnlyList<ProvisionedUser>> LoadRegistryAsync(CancellationToken cancellationToken) =>
        Run(writes: false, c => RegistryTable.Load(c, null, ordered: false, cancellationToken), cancellationToken);

    public Task<IReadOnlyDictionary<UserState, int>> CountUsersAsync(CancellationToken cancellationToken) =>
        Run(writes: false, RegistryTable.CountByState, cancellationToken);

    public Task<IReadOnlyList<ProvisionedUser>> ListUsersAsync(UserState? state, CancellationToken cancellationToken) =>
        Run(writes: false, c => RegistryTable.Load(c, state, ordered: true, cancellationToken), cancellationToken);

    public Task<DirectorySnapshot?> LoadSnapshotAsync(string source, CancellationToken cancellationToken) =>
        Run(writes: false, c => SnapshotTable.Load(c, source, cancellationToken), cancellationToken);

    public Task<bool> SaveSnapshotAsync(DirectorySnapshot snapshot, CancellationToken cancellationToken) =>
        Run(writes: true, c => SnapshotTable.Save(c, snapshot, cancellationToken), cancellationToken);

    public Task<ApplyResult> ApplyAsync(Plan plan, ApplyContext context, CancellationToken cancellationToken) =>
        Run(writes: true, c => RegistryWriter.Apply(c, plan, context, cancellationToken), cancellationToken);

    public Task SaveStatusAsync(IReadOnlyList<StoredStatus> statuses, CancellationToken cancellationToken) =>
        Run(writes: true, c => StatusTable.Save(c, statuses, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredStatus>> LoadStatusAsync(CancellationToken cancellationToken) =>
        Run(writes: false, StatusTable.Load, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(int limit, CancellationToken cancellationToken) =>
        Run(writes: false, c => AuditLog.Read(c, limit), cancellationToken);

    /// <summary>Closes the pooled connections, so the file is released.</summary>
    public ValueTask DisposeAsync()
    {
        if (!disposed)
        {
            disposed = true;
            using var connection = new SqliteConnection(connectionString);
            SqliteConnection.ClearPool(connection);
        }
        return ValueTask.CompletedTask;
    }

    private static SqliteStore Open(string path, bool readOnly)
    {
        string fullPath;
        try
        {
            fullPath = System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw StoreErrors.CannotWrite(path, e.Message);
        }
        if (Directory.Exists(fullPath)) throw StoreErrors.CannotWrite(fullPath, "it is a folder, not a file");
        if (readOnly && !File.Exists(fullPath)) throw StoreErrors.Missing(fullPath);
        if (!readOnly) CreateFolder(fullPath);
        if (File.Exists(fullPath)) Inspect(fullPath, readOnly);

        var store = new SqliteStore(fullPath, readOnly);
        if (!readOnly) store.Execute(writes: true, c => SqliteSchema.Migrate(c, fullPath), CancellationToken.None);
        return store;
    }

    private static void CreateFolder(string path)
    {
        var folder = System.IO.Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(folder)) return;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // "The file ... already exists" is .NET's way of saying a file stands where a folder should be.
            var blocking = folder;
            while (blocking is not null && !File.Exists(blocking)) blocking = System.IO.Path.GetDirectoryName(blocking);
            throw StoreErrors.CannotWrite(path, blocking is null ? e.Message : $"{blocking} is a file, not a folder", e);
        }
    }

    /// <summary>Reads an existing file's header through a read-only connection, so a refused file stays untouched.</summary>
    private static void Inspect(string path, bool readOnly)
    {
        SqliteSchema.Header header;
        try
        {
            using var connection = new SqliteConnection(ConnectionString(path, readOnly: true, pooling: false));
            connection.Open();
            header = SqliteSchema.ReadHeader(connection);
        }
        catch (SqliteException e)
        {
            throw StoreErrors.Translate(e, path);
        }
        if (SqliteSchema.Refusal(header, path) is { } refusal) throw refusal;
        if (!readOnly) return;
        if (header.Version == 0) throw StoreErrors.Missing(path);
        if (header.Version < SqliteSchema.CurrentVersion)
        {
            throw new StoreException(
                $"store {path} has an older schema (v{header.Version}; this reconciler uses v{SqliteSchema.CurrentVersion}): " +
                "run 'reconciler apply' once to upgrade it");
        }
    }

    private Task<T> Run<T>(bool writes, Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(Execute(writes, work, cancellationToken));
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private T Execute<T>(bool writes, Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (writes && ReadOnly) throw StoreErrors.OpenedReadOnly(Path);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var connection = OpenConnection();
            return work(connection);
        }
        catch (SqliteException e)
        {
            throw StoreErrors.Translate(e, Path);
        }
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = ConnectionPragmas;
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static string ConnectionString(string path, bool readOnly, bool pooling) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = pooling,
        }.ToString();
}
