using System.Runtime.CompilerServices;
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
public sealed partial class SqliteStore : IReconcilerStore, IScimStore
{
    /// <summary>How long a call waits for another process's write to end before it says the store is busy (as busy_timeout).</summary>
    private const int BusySeconds = 5;

    private const string ConnectionPragmas = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -16384; PRAGMA foreign_keys = OFF;";

    private readonly string connectionString;
    private bool disposed;

    /// <summary>
    /// SQLite is set up once, before the first connection: no memory statistics (they take a global lock on every
    /// allocation) and no per-connection locks (the multi-thread mode: the store never uses one connection from two
    /// threads at once, and its write session keeps reads and writes on connections of their own). Together they were
    /// a tenth of the CPU of a first import, spent taking and releasing locks nobody contended.
    /// </summary>
    static SqliteStore()
    {
        SQLitePCL.Batteries_V2.Init();
        const int SQLITE_CONFIG_MULTITHREAD = 2, SQLITE_CONFIG_MEMSTATUS = 9;
        // Refused (SQLITE_MISUSE) only if SQLite was already initialised by someone else: then its defaults stand.
        _ = SQLitePCL.raw.sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        _ = SQLitePCL.raw.sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    }

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

    public string Location => Path;

    public Task<IStoreSession> OpenReadAsync(CancellationToken cancellationToken) =>
        Run<IStoreSession>(writes: false, () => SqliteSession.Open(this), cancellationToken);

    /// <summary>
    /// Writers of this process take turns here before SQLite's write lock, so one that waits (a SCIM write while a
    /// reconcile commits) goes in the moment the other is done, instead of waking from SQLite's busy back-off up to
    /// 100 ms later. Writers of other processes still meet at SQLite's lock, within the busy timeout.
    /// </summary>
    private readonly SemaphoreSlim _writers = new(1, 1);

    public async Task<IStoreWriteSession> OpenWriteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (ReadOnly) throw StoreErrors.OpenedReadOnly(Path);
        if (!await _writers.WaitAsync(TimeSpan.FromSeconds(BusySeconds), cancellationToken)) throw BusyInProcess();
        try
        {
            return await Run<IStoreWriteSession>(writes: true, () => SqliteWriteSession.Open(this, () => _writers.Release()), cancellationToken);
        }
        catch
        {
            _writers.Release();
            throw;
        }
    }

    /// <summary>Runs a write of this process once the other writers of this process are done (see <see cref="_writers"/>).</summary>
    private async Task<T> RunWriteAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (!await _writers.WaitAsync(TimeSpan.FromSeconds(BusySeconds), cancellationToken)) throw BusyInProcess();
        try
        {
            return await Run(writes: true, work, cancellationToken);
        }
        finally
        {
            _writers.Release();
        }
    }

    private StoreBusyException BusyInProcess() =>
        new($"store {Path} is busy: another write of this reconciler has held it for {BusySeconds} s; try again when it has finished");

    public Task<IReadOnlyDictionary<UserState, int>> CountUsersAsync(CancellationToken cancellationToken) =>
        Run<IReadOnlyDictionary<UserState, int>>(writes: false, () =>
        {
            using var connection = OpenConnection();
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT coalesce(sum(active), 0), coalesce(sum(preserved), 0), coalesce(sum(disabled), 0) FROM sources";
            using var reader = select.ExecuteReader();
            reader.Read();
            return new StateCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)).ToDictionary();
        }, cancellationToken);

    public async IAsyncEnumerable<ProvisionedUser> ListUsersAsync(UserQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var session = (SqliteSession)await OpenReadAsync(cancellationToken);
        var count = 0;
        foreach (var user in Translate(() => session.List(query)))
        {
            if (++count % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
            yield return user;
        }
    }

    public async IAsyncEnumerable<AuditEntry> ReadAuditAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var connection = Translate(OpenConnection);
        var count = 0;
        foreach (var entry in Translate(() => AuditLog.Read(connection, query)))
        {
            if (++count % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
        await Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredStatus>> LoadStatusesAsync(CancellationToken cancellationToken) =>
        Run(writes: false, () =>
        {
            using var connection = OpenConnection();
            return StatusTable.Load(connection);
        }, cancellationToken);

    public Task SaveStatusesAsync(IReadOnlyList<StoredStatus> statuses, CancellationToken cancellationToken) =>
        Run(writes: true, () =>
        {
            using var connection = OpenConnection();
            using var transaction = connection.BeginTransaction(deferred: false);
            var written = StatusTable.Save(connection, statuses);
            transaction.Commit();
            return written;
        }, cancellationToken);

    public Task DeleteStatusAsync(StatusKey key, CancellationToken cancellationToken) =>
        Run(writes: true, () =>
        {
            using var connection = OpenConnection();
            return StatusTable.Delete(connection, key);
        }, cancellationToken);

    /// <summary>
    /// Closes the connections, so the file is released. New calls are refused at once; a write of this process still
    /// running is waited for (up to the busy timeout) before the SCIM writer's connection closes under it, since
    /// SQLite runs without per-connection locks. A write that outlasts the wait keeps its connection; closing the
    /// pool releases the rest.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        await StopCheckpointsAsync();
        var writersDone = await _writers.WaitAsync(TimeSpan.FromSeconds(BusySeconds));
        try
        {
            CloseScimConnections(closeWriter: writersDone);
        }
        finally
        {
            if (writersDone) _writers.Release();
        }
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>
    /// Removes a store file (with its -wal and -shm) that holds nothing: no source, user, audit entry or status. For a
    /// command that created the store and then failed, so a failed first apply leaves no empty store behind. A store
    /// with anything in it is left alone; so is one that cannot be opened.
    /// </summary>
    /// <returns>True when the file was removed.</returns>
    public static bool RemoveIfEmpty(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath)) return false;
        try
        {
            var builder = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWrite, Pooling = false };
            using (var connection = new SqliteConnection(builder.ToString()))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM users) + " +
                    "(SELECT count(*) FROM audit) + (SELECT count(*) FROM statuses)";
                if ((long)command.ExecuteScalar()! != 0) return false;
            }
            foreach (var file in new[] { fullPath, fullPath + "-wal", fullPath + "-shm" }) File.Delete(file);
            return true;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
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
        if (Directory.Exists(fullPath))
        {
            throw readOnly ? StoreErrors.CannotRead(fullPath, "it is a folder, not a file") : StoreErrors.CannotWrite(fullPath, "it is a folder, not a file");
        }
        if (readOnly && !File.Exists(fullPath)) throw StoreErrors.Missing(fullPath);
        if (!readOnly) CreateFolder(fullPath);
        if (File.Exists(fullPath)) Inspect(fullPath, readOnly);

        var store = new SqliteStore(fullPath, readOnly);
        if (!readOnly)
        {
            store.Translate(() =>
            {
                using var connection = store.OpenConnection();
                return SqliteSchema.Migrate(connection, fullPath);
            });
        }
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

    private Task<T> Run<T>(bool writes, Func<T> work, CancellationToken cancellationToken)
    {
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (writes && ReadOnly) throw StoreErrors.OpenedReadOnly(Path);
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Translate(work));
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    /// <summary>Runs store work, turning SQLite's errors into <see cref="StoreException"/>s that name the file.</summary>
    internal T Translate<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException e)
        {
            throw StoreErrors.Translate(e, Path);
        }
    }

    /// <summary>Streams store reads, translating errors as they surface.</summary>
    private IEnumerable<T> Translate<T>(Func<IEnumerable<T>> work)
    {
        using var items = Translate(() => work().GetEnumerator());
        while (Translate(items.MoveNext)) yield return items.Current;
    }

    /// <summary>A new pooled connection with the store's pragmas set.</summary>
    internal SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = BackgroundCheckpoints ? ConnectionPragmas + $" PRAGMA wal_autocheckpoint = {BackstopPages};" : ConnectionPragmas;
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
            // Microsoft.Data.Sqlite retries a busy BEGIN for this long on top of busy_timeout (30 s unless set).
            DefaultTimeout = BusySeconds,
        }.ToString();
}
