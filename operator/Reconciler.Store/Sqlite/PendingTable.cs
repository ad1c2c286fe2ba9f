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

    private const string DeleteHeld = "DELETE FROM pending WHERE source_id = $source AND kind <> 'Written'";
    private const string DeleteAll = "DELETE FROM pending WHERE source_id = $source";
    private const string DeleteWritten = "DELETE FROM pending WHERE source_id = $source AND kind = 'Written'";
    private const string DeleteMark = "DELETE FROM pending WHERE source_id = $source AND external_id = $id AND kind = 'Written'";
    private const string Insert = """
        INSERT OR REPLACE INTO pending (source_id, external_id, kind, mapping, owner_source, owner_mapping, message)
        VALUES ($source, $id, $kind, $mapping, $ownerSource, $ownerMapping, $message)
        """;

    /// <summary>
    /// Replaces a source's conflict and held-back entries with these, and clears its written-since marks: those of
    /// <paramref name="plannedWritten"/>, or all when it is null. Against <paramref name="stored"/> (the source's
    /// entries as stored now; null when not known) it writes only what that changes: the held entries when they
    /// differ, and only marks that exist.
    /// </summary>
    public static void Replace(StatementCache db, long sourceId, IReadOnlyList<PendingEntry>? stored, IReadOnlyList<PendingEntry> entries,
        IReadOnlyCollection<string>? plannedWritten)
    {
        var held = entries.OrderBy(e => e.ExternalId, StringComparer.Ordinal).ThenBy(e => e.Kind.ToString(), StringComparer.Ordinal).ToList();
        var heldChanged = stored is null || !stored.Held().SequenceEqual(held);
        var marks = stored?.WrittenIds().ToHashSet(StringComparer.Ordinal);
        if (plannedWritten is null)
        {
            // Not known to be stored (marks null) counts as changed.
            if (heldChanged) Run(db[DeleteAll], sourceId);
            else if (marks!.Count > 0) Run(db[DeleteWritten], sourceId);
        }
        else
        {
            if (heldChanged) Run(db[DeleteHeld], sourceId);
            foreach (var planned in plannedWritten)
            {
                if (marks is not null && !marks.Contains(planned)) continue;
                var clear = db[DeleteMark];
                clear.Bind("$source", sourceId);
                clear.Bind("$id", planned);
                clear.Execute();
            }
        }
        if (!heldChanged) return;
        foreach (var entry in held)
        {
            var insert = db[Insert];
            insert.Bind("$source", sourceId);
            insert.Bind("$id", entry.ExternalId);
            insert.Bind("$kind", entry.Kind.ToString());
            insert.Bind("$mapping", entry.Mapping);
            insert.Bind("$ownerSource", entry.OwnerSource);
            insert.Bind("$ownerMapping", entry.OwnerMapping);
            insert.Bind("$message", entry.Message);
            insert.Execute();
        }
    }

    private static void Run(SqliteStatement delete, long sourceId)
    {
        delete.Bind("$source", sourceId);
        delete.Execute();
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
