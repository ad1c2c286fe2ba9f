using Microsoft.Data.Sqlite;
using Reconciler.Core.Planning;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>The append-only audit log: one entry per registry change, written in the change's transaction.</summary>
internal sealed class AuditLog(SqliteConnection connection) : IDisposable
{
    private const string Insert = """
        INSERT INTO audit (at, action, source, external_id, email, mapping, reason, revision, details)
        VALUES ($at, $action, $source, $externalId, $email, $mapping, $reason, $revision, $details)
        """;

    private readonly SqliteStatement _insert = new SqliteStatement(connection, Insert).Expect(
        "$at", "$action", "$source", "$externalId", "$email", "$mapping", "$reason", "$revision", "$details");
    private readonly JsonColumns _json = new();
    private ApplyContext? _context;

    public void Append(PlanAction change, ApplyContext context)
    {
        if (!ReferenceEquals(context, _context))
        {
            _insert.Bind(1, ColumnFormat.Timestamp(context.Now));
            _insert.Bind(8, context.Revision);
            _context = context;
        }
        var user = change.After;
        _insert.BindRepeated(2, change.Verb);
        _insert.BindRepeated(3, user.Source);
        _insert.Bind(4, user.ExternalId);
        _insert.Bind(5, user.Email);
        _insert.BindRepeated(6, user.Mapping);
        _insert.BindRepeated(7, change.Reason);
        _insert.BindUtf8(9, change switch
        {
            Update u => _json.FieldChangesUtf8(u.Fields),
            Restore r => _json.FieldChangesUtf8(r.Fields),
            _ => "[]"u8,
        });
        _insert.Execute();
    }

    public void Dispose() => _insert.Dispose();

    /// <summary>The newest entries first, streamed.</summary>
    public static IEnumerable<AuditEntry> Read(SqliteConnection connection, AuditQuery query)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        using var select = connection.CreateCommand();
        var where = new List<string>();
        if (query.Source is not null) where.Add("source = $source");
        if (query.ExternalId is not null) where.Add("external_id = $externalId");
        select.CommandText = $"""
            SELECT id, at, action, source, external_id, email, mapping, reason, revision, details
            FROM audit {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id DESC LIMIT $limit
            """;
        select.Parameters.AddWithValue("$limit", query.Limit);
        if (query.Source is not null) select.Parameters.AddWithValue("$source", query.Source);
        if (query.ExternalId is not null) select.Parameters.AddWithValue("$externalId", query.ExternalId);
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            yield return new AuditEntry(
                reader.GetInt64(0), ColumnFormat.ParseTimestamp(reader.GetString(1)), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                reader.GetString(7), reader.GetString(8), reader.GetString(9));
        }
    }
}
