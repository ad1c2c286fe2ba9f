using System.Runtime.CompilerServices;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>The SCIM concern of the store (<see cref="IScimStore"/>): tokens, pushed resources, and their imported entries.</summary>
public sealed partial class SqliteStore
{
    public Task SaveTokenAsync(ScimToken token, CancellationToken cancellationToken) =>
        RunWriteAsync(() => InWriteTransaction(connection =>
        {
            ScimTables.SaveToken(connection, SourcesTable.Ensure(connection, token.Source), token);
            return true;
        }), cancellationToken);

    public Task<ScimToken?> FindTokenAsync(string source, CancellationToken cancellationToken) =>
        Run(writes: false, () =>
        {
            using var connection = OpenConnection();
            return ScimTables.FindToken(connection, source);
        }, cancellationToken);

    public Task<StoredScimResource?> GetResourceAsync(string source, ScimKind kind, string id, CancellationToken cancellationToken) =>
        Run(writes: false, () =>
        {
            using var connection = OpenConnection();
            return ScimTables.Get(connection, source, kind, id);
        }, cancellationToken);

    public Task<StoredScimResource?> FindResourceByNameAsync(string source, ScimKind kind, string name, CancellationToken cancellationToken) =>
        Run(writes: false, () =>
        {
            using var connection = OpenConnection();
            return ScimTables.FindByName(connection, source, kind, name);
        }, cancellationToken);

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
            return select.ExecuteScalar() is long id ? ScimTables.GroupsOf(connection, id, userId) : (IReadOnlyList<string>)[];
        }, cancellationToken);

    public Task<IReadOnlyList<ScimWriteResult>> WriteResourcesAsync(IReadOnlyList<ScimWrite> writes, CancellationToken cancellationToken) =>
        RunWriteAsync<IReadOnlyList<ScimWriteResult>>(() => InWriteTransaction(connection =>
        {
            var results = new List<ScimWriteResult>(writes.Count);
            foreach (var write in writes)
            {
                // Each write in a savepoint of its own, so a refused one is undone alone.
                using var savepoint = connection.CreateCommand();
                savepoint.CommandText = "SAVEPOINT scim_write";
                savepoint.ExecuteNonQuery();
                try
                {
                    ScimTables.Write(connection, SourcesTable.Ensure(connection, write.Source), write);
                    results.Add(new ScimWriteResult(write.Resource is null ? null : ScimTables.Get(connection, write.Source, write.Kind, write.Id), null));
                    savepoint.CommandText = "RELEASE scim_write";
                    savepoint.ExecuteNonQuery();
                }
                catch (StoreException refused) when (refused is ScimConflictException or ScimNotFoundException)
                {
                    savepoint.CommandText = "ROLLBACK TO scim_write; RELEASE scim_write";
                    savepoint.ExecuteNonQuery();
                    results.Add(new ScimWriteResult(null, refused));
                }
            }
            return results;
        }), cancellationToken);

    /// <summary>Runs <paramref name="work"/> in an IMMEDIATE transaction on a connection of its own and commits it.</summary>
    private T InWriteTransaction<T>(Func<Microsoft.Data.Sqlite.SqliteConnection, T> work)
    {
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = work(connection);
        transaction.Commit();
        return result;
    }
}
