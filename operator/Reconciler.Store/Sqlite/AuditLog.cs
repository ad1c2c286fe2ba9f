using Microsoft.Data.Sqlite;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>Reads the audit log that <see cref="RegistryWriter"/> appends to.</summary>
internal static class AuditLog
{
    /// <summary>The newest <paramref name="limit"/> entries, newest first.</summary>
    public static IReadOnlyList<AuditEntry> Read(SqliteConnection connection, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT id, at, action, source, external_id, email, mapping, reason, revision, details
            FROM audit ORDER BY id DESC LIMIT $limit
            """;
        select.Parameters.AddWithValue("$limit", limit);
        using var reader = select.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0), ColumnFormat.ParseTimestamp(reader.GetString(1)), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                reader.GetString(7), reader.GetString(8), reader.GetString(9)));
        }
        return entries;
    }
}
