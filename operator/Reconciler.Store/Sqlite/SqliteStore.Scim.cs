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
            ScimTables.SaveToken(db, SourcesTable.Ensure(db.Connection, token.Source), token);
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
        Run(writes: false, () =>
        {
            using var connection = OpenConnection();
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT id FROM sources WHERE name = $name";
            select.Parameters.AddWithValue("$name", source);
            if (select.ExecuteScalar() is not long id) return (IReadOnlyList<string>)[];
            using var db = new StatementCache(connection);
            return ScimTables.GroupsOf(db, id, userId);
        }, cancellationToken);

    public Task<IReadOnlyList<ScimWriteResult>> WriteResourcesAsync(IReadOnlyList<ScimWrite> writes, CancellationToken cancellationToken) =>
        RunWriteAsync<IReadOnlyList<ScimWriteResult>>(() => InScimTransaction(db =>
        {
            var results = new List<ScimWriteResult>(writes.Count);
            var sources = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var write in writes)
            {
                if (!sources.TryGetValue(write.Source, out var sourceId)) sources[write.Source] = sourceId = SourcesTable.Ensure(db.Connection, write.Source);
                // Each write in a savepoint of its own, so a refused one is undone alone.
                db[Savepoint].Execute();
                try
                {
                    ScimTables.Write(db, sourceId, write);
                    results.Add(new ScimWriteResult(write.Resource is null ? null : ScimTables.Get(db, write.Source, write.Kind, write.Id), null));
                    db[ReleaseSavepoint].Execute();
                }
                catch (StoreException refused) when (refused is ScimConflictException or ScimNotFoundException)
                {
                    db[RollbackToSavepoint].Execute();
                    db[ReleaseSavepoint].Execute();
                    results.Add(new ScimWriteResult(null, refused));
                }
            }
            return results;
        }), cancellationToken);

    /// <summary>A SCIM read on a pooled connection of its own.</summary>
    private Task<T> ReadScim<T>(Func<StatementCache, T> read, CancellationToken cancellationToken) =>
        Run(writes: false, () =>
        {
            using var connection = OpenConnection();
            using var db = new StatementCache(connection);
            return read(db);
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
                db.Dispose();
                db.Connection.Dispose();
            }
            throw;
        }
    }

    /// <summary>Closes the SCIM writer's connection (the store is being disposed).</summary>
    private void CloseScimWriter()
    {
        if (_scimWriter is not { } db) return;
        _scimWriter = null;
        db.Dispose();
        db.Connection.Dispose();
    }
}
