using System.Text.Json;
using Microsoft.Data.Sqlite;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary><c>sources</c>: one header row per source with its last read, counters and plan memo.</summary>
internal static class SourcesTable
{
    private static readonly JsonSerializerOptions MemoJson = new(JsonSerializerDefaults.Web);

    public static (Dictionary<string, SourceRecord> Records, Dictionary<string, long> Ids) Load(SqliteConnection connection)
    {
        var records = new Dictionary<string, SourceRecord>(StringComparer.Ordinal);
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT id, name, cursor, complete, failed, problems, read_at, duration_ms, groups_seen, full_read_at, snapshot_seq,
                   imported_users, active, preserved, disabled, plan_memo
            FROM sources
            """;
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            var name = reader.GetString(1);
            ids[name] = reader.GetInt64(0);
            records[name] = new SourceRecord
            {
                Name = name,
                Cursor = reader.IsDBNull(2) ? null : reader.GetString(2),
                Complete = reader.GetInt64(3) != 0,
                Failed = reader.GetInt64(4) != 0,
                Problems = JsonColumns.ParseArray(reader.GetString(5)),
                ReadAt = reader.IsDBNull(6) ? null : ColumnFormat.ParseTimestamp(reader.GetString(6)),
                Duration = TimeSpan.FromMilliseconds(reader.GetInt64(7)),
                GroupsSeen = reader.GetInt32(8),
                FullReadAt = reader.IsDBNull(9) ? null : ColumnFormat.ParseTimestamp(reader.GetString(9)),
                SnapshotSeq = reader.GetInt64(10),
                ImportedUsers = reader.GetInt32(11),
                Users = new StateCounts(reader.GetInt32(12), reader.GetInt32(13), reader.GetInt32(14)),
                Memo = reader.IsDBNull(15) ? null : ParseMemo(reader.GetString(15)),
            };
        }
        return (records, ids);
    }

    private const string InsertName = "INSERT INTO sources (name) VALUES ($name) ON CONFLICT (name) DO NOTHING";
    private const string SelectId = "SELECT id FROM sources WHERE name = $name";

    /// <summary>The id of a source's row, creating the row when the source is new (on the connection's prepared statements).</summary>
    public static long Ensure(StatementCache db, string name)
    {
        var insert = db[InsertName];
        insert.Bind("$name", name);
        insert.Execute();
        var select = db[SelectId];
        select.Bind("$name", name);
        if (!select.Read()) throw new InvalidOperationException($"source {name} has no row after it was inserted");
        var id = select.Integer(0);
        select.Reset();
        return id;
    }

    /// <summary>Writes the header; the counters and snapshot sequence are the store's and are not taken from the record.</summary>
    public static void Save(SqliteConnection connection, long id, SourceRecord record, bool snapshotChanged)
    {
        using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE sources SET cursor = $cursor, complete = $complete, failed = $failed, problems = $problems,
                read_at = $readAt, duration_ms = $durationMs, groups_seen = $groupsSeen, full_read_at = $fullReadAt,
                imported_users = $importedUsers, plan_memo = $memo,
                snapshot_seq = snapshot_seq + $snapshotChanged
            WHERE id = $id
            """;
        var p = update.Parameters;
        p.AddWithValue("$id", id);
        p.AddWithValue("$cursor", (object?)record.Cursor ?? DBNull.Value);
        p.AddWithValue("$complete", record.Complete);
        p.AddWithValue("$failed", record.Failed);
        p.AddWithValue("$problems", new JsonColumns().Array(record.Problems));
        p.AddWithValue("$readAt", record.ReadAt is { } readAt ? ColumnFormat.Timestamp(readAt) : DBNull.Value);
        p.AddWithValue("$durationMs", (long)record.Duration.TotalMilliseconds);
        p.AddWithValue("$groupsSeen", record.GroupsSeen);
        p.AddWithValue("$fullReadAt", record.FullReadAt is { } full ? ColumnFormat.Timestamp(full) : DBNull.Value);
        p.AddWithValue("$importedUsers", record.ImportedUsers);
        p.AddWithValue("$memo", record.Memo is { } memo ? JsonSerializer.Serialize(memo, MemoJson) : DBNull.Value);
        p.AddWithValue("$snapshotChanged", snapshotChanged ? 1 : 0);
        update.ExecuteNonQuery();
    }

    /// <summary>Adds what a transaction changed to a source's per-state counters.</summary>
    public static void AddCounts(SqliteConnection connection, long id, StateCounts delta)
    {
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE sources SET active = active + $a, preserved = preserved + $p, disabled = disabled + $d WHERE id = $id";
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$a", delta.Active);
        update.Parameters.AddWithValue("$p", delta.Preserved);
        update.Parameters.AddWithValue("$d", delta.Disabled);
        update.ExecuteNonQuery();
    }

    /// <summary>Counts a source's registry rows per state and its imported users from the rows themselves, in one scan.</summary>
    public static void Recount(SqliteConnection connection, long id)
    {
        int active = 0, preserved = 0, disabled = 0, imported = 0;
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT state, imported IS NOT NULL, count(*) FROM users WHERE source_id = $id GROUP BY 1, 2";
            select.Parameters.AddWithValue("$id", id);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var count = reader.GetInt32(2);
                if (reader.GetInt64(1) != 0) imported += count;
                switch (reader.IsDBNull(0) ? null : reader.GetString(0))
                {
                    case "Active": active += count; break;
                    case "Preserved": preserved += count; break;
                    case "Disabled": disabled += count; break;
                }
            }
        }
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE sources SET active = $a, preserved = $p, disabled = $d, imported_users = $i WHERE id = $id";
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$a", active);
        update.Parameters.AddWithValue("$p", preserved);
        update.Parameters.AddWithValue("$d", disabled);
        update.Parameters.AddWithValue("$i", imported);
        update.ExecuteNonQuery();
    }

    private static PlanMemo? ParseMemo(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PlanMemo>(json, MemoJson);
        }
        catch (JsonException)
        {
            // A memo that cannot be read only costs a whole plan.
            return null;
        }
    }
}
