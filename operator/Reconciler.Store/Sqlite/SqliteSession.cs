using Microsoft.Data.Sqlite;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Text;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// A read view of the store on one connection inside one read transaction, so every read sees the same state of
/// the file (WAL readers keep their snapshot while others commit). Statements are prepared once per session.
/// </summary>
internal class SqliteSession : IStoreSession
{
    private readonly StatementCache _readStatements;
    private StatementCache? _writeStatements;
    private readonly SqliteTransaction _readTransaction;
    private readonly UsersTable.Repeated _repeated = new();
    private Dictionary<string, SourceRecord>? _sources;
    private bool _disposed;

    protected SqliteSession(SqliteStore store, SqliteConnection reader)
    {
        Store = store;
        Reader = reader;
        _readStatements = new StatementCache(reader);
        _readTransaction = reader.BeginTransaction(deferred: true);
        using var meta = Reader.CreateCommand();
        meta.CommandText = "SELECT value FROM store_meta WHERE key = 'registry_seq'; SELECT coalesce(sum(active + preserved + disabled), 0) FROM sources;";
        using var result = meta.ExecuteReader();
        result.Read();
        RegistrySeq = result.GetInt64(0);
        result.NextResult();
        result.Read();
        RegistryCount = result.GetInt64(0);
        EmailOwners = new EmailLookup(this);
    }

    public static SqliteSession Open(SqliteStore store) => new(store, store.OpenConnection());

    protected SqliteStore Store { get; }

    protected SqliteConnection Reader { get; }

    public long RegistrySeq { get; }

    public long RegistryCount { get; }

    public IEmailOwners EmailOwners { get; }

    public SourceRecord? Source(string source) => SourcesByName().GetValueOrDefault(source);

    public IReadOnlyList<SourceRecord> Sources() => SourcesByName().Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    public IEnumerable<(string Id, ulong Fingerprint)> Fingerprints(string source) =>
        ImportedFingerprints(source, row => row.Text(0));

    public IEnumerable<(Key128 IdKey, ulong Fingerprint)> FingerprintsByKey(string source) =>
        ImportedFingerprints(source, row => ImportedRow.IdKey(row.Utf8(0)));

    /// <summary>Each imported user's id (as <paramref name="id"/> makes it from the row) and fingerprint.</summary>
    private IEnumerable<(T Id, ulong Fingerprint)> ImportedFingerprints<T>(string source, Func<SqliteStatement, T> id)
    {
        if (SourceId(source) is not { } sourceId) yield break;
        // Its own statement, so a caller may look users up while it walks them.
        using var select = new SqliteStatement(Reader, UsersTable.SelectFingerprints);
        select.Bind(1, sourceId);
        while (select.Read()) yield return (id(select), unchecked((ulong)select.Integer(1)));
    }

    public ulong? Fingerprint(string source, string id)
    {
        if (SourceId(source) is not { } sourceId) return null;
        var select = Statement(Reader, UsersTable.SelectFingerprint);
        select.Bind(1, sourceId);
        select.Bind(2, id);
        if (!select.Read()) return null;
        var fingerprint = unchecked((ulong)select.Integer(0));
        select.Reset();
        return fingerprint;
    }

    public StoredUser? Find(string source, string id)
    {
        if (SourceId(source) is not { } sourceId) return null;
        var select = Statement(Reader, UsersTable.SelectOne);
        select.Bind(1, sourceId);
        select.Bind(2, id);
        if (!select.Read()) return null;
        var user = UsersTable.Read(select, source, _repeated);
        select.Reset();
        return user;
    }

    public IEnumerable<StoredUser> Users(string source, bool unprovisionedOnly)
    {
        if (SourceId(source) is not { } id) yield break;
        // Its own statement: the planner may look users up while it walks them.
        using var select = new SqliteStatement(Reader, unprovisionedOnly ? UsersTable.SelectUnprovisioned : UsersTable.SelectAll);
        select.Bind(1, id);
        while (select.Read()) yield return UsersTable.Read(select, source, _repeated);
    }

    /// <summary>
    /// Registry rows in email order (through the email index), then any row without an email key (only stores edited
    /// by hand have those), streamed.
    /// </summary>
    public IEnumerable<ProvisionedUser> List(UserQuery query)
    {
        var filter = (query.State is null ? "" : " AND users.state = $state") + (query.Source is null ? "" : " AND s.name = $source");
        foreach (var where in new[] { "email_key IS NOT NULL", "email_key IS NULL AND users.state IS NOT NULL" })
        {
            using var select = new SqliteStatement(Reader,
                $"SELECT s.name, {UsersTable.Columns} FROM users JOIN sources s ON s.id = users.source_id WHERE {where}{filter} ORDER BY email_key, s.name, external_id");
            if (query.State is { } state) select.Bind(select.Parameter("$state"), ColumnFormat.State(state));
            if (query.Source is { } source) select.Bind(select.Parameter("$source"), source);
            while (select.Read())
            {
                if (UsersTable.Provisioned(select, select.Text(0), _repeated, first: 1) is { } user) yield return user;
            }
        }
    }

    /// <summary>Every source's pending entries in this view, read once (a reconcile asks for them several times), and by source.</summary>
    private IReadOnlyList<PendingEntry>? _pending;
    private Dictionary<string, IReadOnlyList<PendingEntry>>? _pendingBySource;

    public IReadOnlyList<PendingEntry> Pending(string? source = null)
    {
        _pending ??= PendingTable.Load(Reader, null);
        if (source is null) return _pending;
        _pendingBySource ??= _pending.GroupBy(p => p.Source, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, IReadOnlyList<PendingEntry> (g) => g.ToList(), StringComparer.Ordinal);
        return _pendingBySource.GetValueOrDefault(source, []);
    }

    /// <summary>The id of a source's row, or null when the store has never stored it.</summary>
    protected long? SourceId(string source) => SourceIds.TryGetValue(source, out var id) ? id : null;

    protected Dictionary<string, long> SourceIds
    {
        get
        {
            SourcesByName();
            return _sourceIds!;
        }
    }

    private Dictionary<string, long>? _sourceIds;

    private Dictionary<string, SourceRecord> SourcesByName()
    {
        if (_sources is not null) return _sources;
        (_sources, _sourceIds) = SourcesTable.Load(Reader);
        return _sources;
    }

    /// <summary>A statement prepared once per session on the read connection or on the one write connection.</summary>
    protected SqliteStatement Statement(SqliteConnection connection, string sql) =>
        ReferenceEquals(connection, Reader) ? _readStatements[sql] : WriteStatements(connection)[sql];

    /// <summary>The statements of the one write connection, prepared once per session.</summary>
    protected StatementCache WriteStatements(SqliteConnection writer) => _writeStatements ??= new StatementCache(writer);

    public virtual ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        _readStatements.Dispose();
        _writeStatements?.Dispose();
        _readTransaction.Dispose();
        Reader.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Email lookups through the unique index on the email key.</summary>
    private sealed class EmailLookup(SqliteSession session) : IEmailOwners
    {
        public ProvisionedUser? Find(string email)
        {
            if (session.RegistryCount == 0 || email.Length == 0) return null;
            var select = session.Statement(session.Reader, UsersTable.SelectByEmail);
            select.Bind(1, UsersTable.EmailKey(email));
            if (!select.Read()) return null;
            var user = UsersTable.Provisioned(select, select.Text(0), session._repeated, first: 1);
            select.Reset();
            return user;
        }
    }
}
