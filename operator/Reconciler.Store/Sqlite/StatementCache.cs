using Microsoft.Data.Sqlite;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// The prepared statements of one connection, each prepared the first time its SQL runs and kept until the cache
/// is disposed: a write that runs a dozen statements per user parses none of them again. Keyed by the SQL
/// constant's instance, so a lookup per row does not hash the statement's text; SQL built at run time must not be
/// passed here, or each instance is prepared anew.
/// </summary>
internal sealed class StatementCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteStatement> _statements = new(ReferenceEqualityComparer.Instance);

    public SqliteConnection Connection => connection;

    /// <summary>The statement for <paramref name="sql"/>, reset and ready to bind and run.</summary>
    public SqliteStatement this[string sql]
    {
        get
        {
            if (!_statements.TryGetValue(sql, out var statement))
            {
                statement = new SqliteStatement(connection, sql);
                _statements[sql] = statement;
            }
            statement.Reset();
            return statement;
        }
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values) statement.Dispose();
        _statements.Clear();
    }
}
