using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Reconciler.Store.Contract;
using SQLitePCL;

namespace Reconciler.Store.Sqlite;

/// <summary>The SCIM concern of the store (<see cref="IScimStore"/>): tokens, pushed resources, and their imported entries.</summary>
public sealed partial class SqliteStore
{
    private const string BeginImmediate = "BEGIN IMMEDIATE";
    private const string Commit = "COMMIT";
    private const string Rollback = "ROLLBACK";
    private const string Savepoint = "SAVEPOINT scim_write";
    private const string ReleaseSavepoint = "RELEASE scim_write";
    private const string RollbackToSavepoint = "ROLLBACK TO scim_write";

    /// <summary>
    /// The connection SCIM writes run on, kept open with its prepared statements for as long as the store is, so a
    /// push parses no SQL. Used only by a writer that holds <see cref="_writers"/>; dropped after a failure it could
    /// not roll back, and opened again by the next write.
    /// </summary>
    private StatementCache? _scimWriter;

    public Task SaveTokenAsync(ScimToken token, CancellationToken cancellationToken) =>
        RunWriteAsync(() => InScimTransaction(db =>
        {
            ScimTables.SaveToken(db, SourcesTable.Ensure(db, token.Source), token);
            return true;
        }), cancellationToken);

    public Task<ScimToken?> FindTokenAsync(string source, CancellationToken cancellationToken) =>
        ReadScim(db => ScimTables.FindToken(db, source), cancellationToken);

    public Task<StoredScimResource?> GetResourceAsync(string source, ScimKind kind, string id, CancellationToken cancellationToken) =>
        ReadScim(db => ScimTables.Get(db, source, kind, id), cancellationToken);

    public Task<StoredScimResource?> FindResourceByNameAsync(string source, ScimKind kind, string name, CancellationToken cancellationToken) =>
        ReadScim(db => ScimTables.FindByName(db, source, kind, name), cancellationToken);

    public async IAsyncEnumerable<StoredScimResource> ListResourcesAsync(string source, ScimKind kind,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var connection = Translate(OpenConnection);
        // One read transaction, so a listing that pages sees one state of the resources.
        using var transaction = connection.BeginTransaction(deferred: true);
        var count = 0;
        foreach (var resource in Translate(() => ScimTables.List(connection, source, kind)))
        {
            if (++count % 1024 == 0) cancellationToken.ThrowIfCancellationRequested();
            yield return resource;
        }
        await Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GroupsOfAsync(string source, string userId, CancellationToken cancellationToken) =>
        ReadScim(db => ScimTables.GroupsOf(db, source, userId), cancellationToken);

    public Task<IReadOnlyList<ScimWriteResult>> WriteResourcesAsync(IReadOnlyList<ScimWrite> writes, CancellationToken cancellationToken) =>
        RunWriteAsync<IReadOnlyList<ScimWriteResult>>(() => InScimTransaction(db =>
        {
            var results = new List<ScimWriteResult>(writes.Count);
            var sources = new Dictionary<string, long>(StringComparer.Ordinal);
            // How much each source's count of imported users moved, written once at the end of the batch.
            var imported = new Dictionary<long, int>();
            foreach (var write in writes)
            {
                if (!sources.TryGetValue(write.Source, out var sourceId)) sources[write.Source] = sourceId = SourcesTable.Ensure(db, write.Source);
                // Each write in a savepoint of its own, so a refused one is undone alone.
                db[Savepoint].Execute();
                try
                {
                    var (stored, moved) = ScimTables.Write(db, sourceId, write);
                    db[ReleaseSavepoint].Execute();
                    imported[sourceId] = imported.GetValueOrDefault(sourceId) + moved;
                    results.Add(new ScimWriteResult(stored, null));
                }
                catch (StoreException refused) when (refused is ScimConflictException or ScimNotFoundException)
                {
                    db[RollbackToSavepoint].Execute();
                    db[ReleaseSavepoint].Execute();
                    results.Add(new ScimWriteResult(null, refused));
                }
            }
            foreach (var (sourceId, moved) in imported) ScimTables.CountImported(db, sourceId, moved);
            return results;
        }), cancellationToken);

    /// <summary>SCIM readers kept open between requests, with their statements prepared.</summary>
    private const int ScimReadersKept = 8;

    /// <summary>
    /// Connections for SCIM reads (a GET, a PATCH's resource, a user's groups), kept open with their statements
    /// prepared: a request would otherwise open a pooled connection, set its pragmas and parse its SQL each time.
    /// Each read is a statement of its own (no transaction is held between them), so a kept reader pins no snapshot.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<StatementCache> _scimReaders = [];

    /// <summary>A SCIM read on a kept reader (or a new one); a reader whose read failed is closed, not kept.</summary>
    private Task<T> ReadScim<T>(Func<StatementCache, T> read, CancellationToken cancellationToken) =>
        Run(writes: false, () =>
        {
            var db = _scimReaders.TryTake(out var kept) ? kept : new StatementCache(OpenConnection());
            var done = false;
            try
            {
                var result = read(db);
                done = true;
                return result;
            }
            finally
            {
                if (done && !disposed && _scimReaders.Count < ScimReadersKept)
                {
                    _scimReaders.Add(db);
                    // Disposed between the check and the add: nobody would close the reader put back.
                    if (disposed) CloseScimConnections(closeWriter: false);
                }
                else
                {
                    Close(db);
                }
            }
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in an IMMEDIATE transaction on the SCIM writer's connection and commits it.</summary>
    private T InScimTransaction<T>(Func<StatementCache, T> work)
    {
        var db = _scimWriter ??= new StatementCache(OpenConnection());
        try
        {
            db[BeginImmediate].Execute();
            var result = work(db);
            db[Commit].Execute();
            return result;
        }
        catch
        {
            try
            {
                if (raw.sqlite3_get_autocommit(db.Connection.Handle) == 0) db[Rollback].Execute();
            }
            catch (SqliteException)
            {
                // A connection that cannot roll back is not used again: SQLite rolls back when it is closed.
                _scimWriter = null;
                Close(db);
            }
            throw;
        }
    }

    /// <summary>
    /// Closes the kept SCIM readers and, with <paramref name="closeWriter"/>, the writer's connection (the store is
    /// being disposed): the writer only by one holding <see cref="_writers"/>.
    /// </summary>
    private void CloseScimConnections(bool closeWriter)
    {
        if (closeWriter && _scimWriter is { } writer)
        {
            _scimWriter = null;
            Close(writer);
        }
        while (_scimReaders.TryTake(out var reader)) Close(reader);
    }

    private static void Close(StatementCache db)
    {
        db.Dispose();
        db.Connection.Dispose();
    }
}
