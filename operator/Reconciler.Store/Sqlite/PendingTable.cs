using Microsoft.Data.Sqlite;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary><c>pending</c>: users the next plan of their source must consider even if their directory entry is unchanged.</summary>
internal static class PendingTable
{
    public static IReadOnlyList<PendingEntry> Load(SqliteConnection connection, long? sourceId)
    {
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT s.name, p.external_id, p.kind, p.mapping, p.owner_source, p.owner_mapping, p.message
            FROM pending p JOIN sources s ON s.id = p.source_id
            """ + (sourceId is null ? "" : " WHERE p.source_id = $source") + " ORDER BY s.name, p.external_id, p.kind";
        if (sourceId is { } id) select.Parameters.AddWithValue("$source", id);
        using var reader = select.ExecuteReader();
        var entries = new List<PendingEntry>();
        while (reader.Read())
        {
            entries.Add(new PendingEntry(reader.GetString(0), reader.GetString(1), Enum.Parse<PendingKind>(reader.GetString(2)),
                reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }
        return entries;
    }

    /// <summary>
    /// Replaces a source's conflict and held-back entries with these, and clears its written-since marks: those of
    /// <paramref name="plannedWritten"/>, or all when it is null. Writes nothing when that changes nothing against
    /// <paramref name="stored"/> (null: not known, always written).
    /// </summary>
    public static void Replace(SqliteConnection connection, long sourceId, IReadOnlyList<PendingEntry>? stored, IReadOnlyList<PendingEntry> entries,
        IReadOnlyCollection<string>? plannedWritten)
    {
        if (stored is not null
            && (plannedWritten is { Count: 0 } || !stored.Any(e => e.Kind == PendingKind.Written))
            && stored.Where(e => e.Kind != PendingKind.Written)
                .SequenceEqual(entries.OrderBy(e => e.ExternalId, StringComparer.Ordinal).ThenBy(e => e.Kind.ToString(), StringComparer.Ordinal)))
        {
            return;
        }
        using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM pending WHERE source_id = $source" + (plannedWritten is null ? "" : " AND kind <> 'Written'");
            delete.Parameters.AddWithValue("$source", sourceId);
            delete.ExecuteNonQuery();
        }
        if (plannedWritten is { Count: > 0 })
        {
            using var clear = connection.CreateCommand();
            clear.CommandText = "DELETE FROM pending WHERE source_id = $source AND external_id = $id AND kind = 'Written'";
            clear.Parameters.AddWithValue("$source", sourceId);
            var marked = clear.Parameters.Add("$id", SqliteType.Text);
            clear.Prepare();
            foreach (var planned in plannedWritten)
            {
                marked.Value = planned;
                clear.ExecuteNonQuery();
            }
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT OR REPLACE INTO pending (source_id, external_id, kind, mapping, owner_source, owner_mapping, message)
            VALUES ($source, $id, $kind, $mapping, $ownerSource, $ownerMapping, $message)
            """;
        var source = insert.Parameters.Add("$source", SqliteType.Integer);
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var kind = insert.Parameters.Add("$kind", SqliteType.Text);
        var mapping = insert.Parameters.Add("$mapping", SqliteType.Text);
        var ownerSource = insert.Parameters.Add("$ownerSource", SqliteType.Text);
        var ownerMapping = insert.Parameters.Add("$ownerMapping", SqliteType.Text);
        var message = insert.Parameters.Add("$message", SqliteType.Text);
        insert.Prepare();
        foreach (var entry in entries)
        {
            source.Value = sourceId;
            id.Value = entry.ExternalId;
            kind.Value = entry.Kind.ToString();
            mapping.Value = entry.Mapping;
            ownerSource.Value = entry.OwnerSource;
            ownerMapping.Value = entry.OwnerMapping;
            message.Value = entry.Message;
            insert.ExecuteNonQuery();
        }
    }

    private const string InsertWritten = "INSERT OR IGNORE INTO pending (source_id, external_id, kind) VALUES ($source, $id, 'Written')";

    /// <summary>Marks a user for the next plan of its source (a push source wrote it).</summary>
    public static void MarkWritten(StatementCache db, long sourceId, string externalId)
    {
        var insert = db[InsertWritten];
        insert.Bind("$source", sourceId);
        insert.Bind("$id", externalId);
        insert.Execute();
    }
}
