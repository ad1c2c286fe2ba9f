using Microsoft.Data.Sqlite;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// The one transaction of a reconcile: an IMMEDIATE transaction on a writer connection (so no other writer can
/// commit until it ends), and the inherited read view on a second connection whose snapshot is taken after the lock,
/// so it is exactly the state the writes start from and never sees them.
/// </summary>
internal sealed class SqliteWriteSession : SqliteSession, IStoreWriteSession
{
    private readonly SqliteConnection _writer;
    private readonly SqliteTransaction _transaction;
    private readonly Dictionary<long, (int Active, int Preserved, int Disabled)> _counts = [];
    private readonly Dictionary<string, long> _newSources = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingReplaced = new(StringComparer.Ordinal);
    private AuditLog? _audit;
    private WriteStatement? _create, _update;
    private bool _registryWritten;
    private bool _disposed;

    /// <summary>
    /// Creates into an empty registry after which the email index is dropped, to be built once at commit: kept up
    /// row by row, its random-order inserts were a fifth of the SQL of a 200,000-user first import. An empty registry
    /// has no email to collide with, the planner gives each email one owner, and the lock keeps other writers out; a
    /// duplicate all the same fails the commit, so nothing is written.
    /// </summary>
    private const int CreatesBeforeDeferredIndex = 1_024;

    private int _creates;
    private bool _emailIndexDeferred;

    private SqliteWriteSession(SqliteStore store, SqliteConnection writer, SqliteTransaction transaction, SqliteConnection reader)
        : base(store, reader)
    {
        _writer = writer;
        _transaction = transaction;
        // Loaded now, on the caller's thread: writes look sources up here, and may run on a thread of their own
        // while the reads go on (see IStoreWriteSession).
        _ = SourceIds;
    }

    /// <summary>Takes the write lock (waiting up to the busy timeout for another writer), then opens the read view.</summary>
    public static SqliteWriteSession Open(SqliteStore store, Action released)
    {
        var writer = store.OpenConnection();
        SqliteTransaction? transaction = null;
        try
        {
            transaction = writer.BeginTransaction(deferred: false);
            return new SqliteWriteSession(store, writer, transaction, store.OpenConnection()) { Released = released };
        }
        catch
        {
            transaction?.Dispose();
            writer.Dispose();
            throw;
        }
    }

    public void PutImported(string source, ImportedRow row)
    {
        try
        {
            var put = Statement(_writer, UsersTable.PutImported);
            put.Bind(1, Id(source));
            put.Bind(2, row.Id);
            put.BindBlob(3, row.Data.Span);
            put.Bind(4, unchecked((long)row.Fingerprint));
            put.Execute();
        }
        catch (SqliteException e)
        {
            throw Failed(e);
        }
    }

    public void RemoveImported(string source, string id)
    {
        try
        {
            var sourceId = Id(source);
            var drop = Statement(_writer, UsersTable.DropImported);
            drop.Bind(1, sourceId);
            drop.Bind(2, id);
            if (drop.Execute() > 0) return;
            var delete = Statement(_writer, UsersTable.DeleteUnprovisioned);
            delete.Bind(1, sourceId);
            delete.Bind(2, id);
            delete.Execute();
        }
        catch (SqliteException e)
        {
            throw Failed(e);
        }
    }

    public void Apply(PlanAction change, ImportedRow? imported, ApplyContext context)
    {
        var user = change.After;
        try
        {
            var sourceId = WriteRow(change, imported);
            if (change.Before is null && ++_creates == CreatesBeforeDeferredIndex && RegistryCount == 0)
            {
                SqliteSchema.Execute(_writer, "DROP INDEX users_by_email");
                _emailIndexDeferred = true;
            }
            (_audit ??= new AuditLog(_writer)).Append(change, context);
            Count(sourceId, change.Before?.State, -1);
            Count(sourceId, user.State, +1);
            _registryWritten = true;
        }
        // The users' one unique index is on the email key.
        catch (SqliteException e) when (StoreErrors.IsUniqueTaken(e))
        {
            throw new StoreConflictException(
                $"email {user.Email} of user {user.Source}/{user.ExternalId} is already held by another registry row");
        }
        catch (SqliteException e)
        {
            throw Failed(e);
        }
    }

    public void SaveSource(SourceRecord record, bool snapshotChanged)
    {
        try
        {
            SourcesTable.Save(_writer, Id(record.Name), record, snapshotChanged);
        }
        catch (SqliteException e)
        {
            throw Failed(e);
        }
    }

    public void RecountSource(string source)
    {
        try
        {
            var id = Id(source);
            FlushCounts();
            SourcesTable.Recount(_writer, id);
        }
        catch (SqliteException e)
        {
            throw Failed(e);
        }
    }

    public void ReplacePending(string source, IReadOnlyList<PendingEntry> entries, IReadOnlyCollection<string>? plannedWritten)
    {
        // The read view is the state before this session: once a source's entries were replaced here, it no longer
        // says what is stored, so the entries are written without comparing.
        var replacedBefore = !_pendingReplaced.Add(source);
        if (entries.Count == 0 && SourceId(source) is null && !replacedBefore) return;
        try
        {
            PendingTable.Replace(WriteStatements(_writer), Id(source), replacedBefore ? null : Pending(source), entries, plannedWritten);
        }
        catch (SqliteException e)
        {
            throw Failed(e);
        }
    }

    public void SaveStatuses(IReadOnlyList<StoredStatus> statuses)
    {
        try
        {
            StatusTable.Save(_writer, statuses);
        }
        catch (SqliteException e)
        {
            throw Failed(e);
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            FlushCounts();
            if (_emailIndexDeferred) BuildEmailIndex();
            if (_registryWritten)
            {
                SqliteSchema.Execute(_writer, "UPDATE store_meta SET value = value + 1 WHERE key = 'registry_seq'");
            }
            _transaction.Commit();
        }
        catch (SqliteException e)
        {
            throw Failed(e);
        }
        return Task.CompletedTask;
    }

    private void BuildEmailIndex()
    {
        try
        {
            SqliteSchema.Execute(_writer, SqliteSchema.UsersByEmail);
        }
        catch (SqliteException e) when (StoreErrors.IsUniqueTaken(e))
        {
            throw new StoreConflictException("two users of this plan were given the same email; nothing was applied");
        }
    }

    /// <summary>Called once when the session ends: lets the next writer of this process in (see <see cref="SqliteStore"/>).</summary>
    public Action? Released { get; init; }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            await DisposeCoreAsync();
        }
        finally
        {
            Released?.Invoke();
        }
    }

    private async ValueTask DisposeCoreAsync()
    {
        _create?.Statement.Dispose();
        _update?.Statement.Dispose();
        _audit?.Dispose();
        await base.DisposeAsync();
        // Disposing a transaction that was not committed rolls it back (also after a commit that failed).
        _transaction.Dispose();
        _writer.Dispose();
    }

    /// <summary>A registry write statement with the index of each of <see cref="UsersTable.WriteParameters"/> (0 when absent).</summary>
    private sealed class WriteStatement
    {
        public WriteStatement(SqliteConnection connection, string sql)
        {
            Statement = new SqliteStatement(connection, sql);
            Index = UsersTable.WriteParameters.Select(Statement.IndexOf).ToArray();
        }

        public SqliteStatement Statement { get; }

        public int[] Index { get; }

        private long _ticks = -1;
        private string _text = "";

        /// <summary>A timestamp's text, made once while a plan stamps row after row with the same time.</summary>
        public string Timestamp(DateTimeOffset value)
        {
            if (value.UtcTicks != _ticks)
            {
                _ticks = value.UtcTicks;
                _text = ColumnFormat.Timestamp(value);
            }
            return _text;
        }
    }

    /// <summary>Writes a change's registry row (compare-and-swap on its version); the id of the user's source.</summary>
    private long WriteRow(PlanAction change, ImportedRow? imported)
    {
        var user = change.After;
        var before = change.Before;
        // Re-bound to a new directory id: the old id's row gives up its registry part (checked at the version the
        // plan read), and the new id's row takes it, with what the old one had, as a provisioning of its own.
        if (before is not null && before.ExternalId != user.ExternalId)
        {
            Release(before);
            before = null;
        }
        var write = before is null
            ? _create ??= new WriteStatement(_writer, UsersTable.Create)
            : _update ??= new WriteStatement(_writer, UsersTable.Update);
        var statement = write.Statement;
        var p = write.Index;
        var sourceId = Id(user.Source);
        statement.Bind(p[0], sourceId);
        statement.Bind(p[1], user.ExternalId);
        if (imported is null)
        {
            statement.BindNull(p[2]);
            statement.BindNull(p[3]);
        }
        else
        {
            statement.BindBlob(p[2], imported.Data.Span);
            statement.Bind(p[3], unchecked((long)imported.Fingerprint));
        }
        statement.BindRepeated(p[4], ColumnFormat.State(user.State));
        statement.Bind(p[5], user.Email);
        statement.Bind(p[6], user.Email.Length == 0 ? null : UsersTable.EmailKey(user.Email));
        var d = user.Details;
        statement.Bind(p[7], d.UserName);
        statement.Bind(p[8], d.DisplayName);
        statement.BindRepeated(p[9], d.GivenName);
        statement.Bind(p[10], d.Surname);
        statement.BindRepeated(p[11], d.Department);
        statement.BindRepeated(p[12], d.Title);
        statement.BindRepeated(p[13], user.Mapping);
        statement.BindRepeated(p[14], user.Profile);
        statement.BindRepeated(p[15], user.StorageRegion);
        statement.Bind(p[16], user.QuotaBytes);
        statement.BindRepeated(p[17], user.QuotaPolicy);
        statement.BindRepeated(p[18], ColumnFormat.Login(user.LoginMechanism));
        if (p[19] > 0) statement.BindRepeated(p[19], write.Timestamp(user.CreatedAt));
        statement.BindRepeated(p[20], write.Timestamp(user.UpdatedAt));
        statement.Bind(p[21], imported is not null);
        if (before is not null) statement.Bind(p[22], before.Version);
        if (statement.Execute() > 0) return sourceId;
        throw new StoreConflictException(before is null
            ? $"user {user.Source}/{user.ExternalId} was provisioned by another writer meanwhile"
            : $"user {user.Source}/{user.ExternalId} was changed by another writer meanwhile (expected version {before.Version})");
    }

    /// <summary>Takes a re-bound user's registry part off their old id's row (compare-and-swap on its version).</summary>
    private void Release(Core.Registry.ProvisionedUser row)
    {
        var sourceId = Id(row.Source);
        foreach (var sql in new[] { UsersTable.DeleteReleased, UsersTable.Release })
        {
            var release = Statement(_writer, sql);
            release.Bind(1, sourceId);
            release.Bind(2, row.ExternalId);
            release.Bind(3, row.Version);
            if (release.Execute() > 0) return;
        }
        throw new StoreConflictException($"user {row.Source}/{row.ExternalId} was changed by another writer meanwhile (expected version {row.Version})");
    }

    /// <summary>SQLite's error as the store's, naming the file (a full disk, a refused row); the transaction is left to roll back.</summary>
    private StoreException Failed(SqliteException e) => StoreErrors.Translate(e, Store.Path);

    /// <summary>The source's id, creating its row (inside this transaction) the first time a source is written.</summary>
    private long Id(string source)
    {
        if (SourceId(source) is { } id) return id;
        if (_newSources.TryGetValue(source, out id)) return id;
        id = SourcesTable.Ensure(WriteStatements(_writer), source);
        _newSources[source] = id;
        return id;
    }

    private void Count(long sourceId, UserState? state, int by)
    {
        if (state is null) return;
        var counts = _counts.GetValueOrDefault(sourceId);
        counts = state switch
        {
            UserState.Active => counts with { Active = counts.Active + by },
            UserState.Preserved => counts with { Preserved = counts.Preserved + by },
            _ => counts with { Disabled = counts.Disabled + by },
        };
        _counts[sourceId] = counts;
    }

    private void FlushCounts()
    {
        foreach (var (id, (active, preserved, disabled)) in _counts)
        {
            SourcesTable.AddCounts(_writer, id, new StateCounts(active, preserved, disabled));
        }
        _counts.Clear();
    }
}
