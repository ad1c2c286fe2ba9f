using Microsoft.Data.Sqlite;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>The last recorded status of each resource, keyed by kind, namespace and name.</summary>
internal static class StatusTable
{
    // A status whose JSON and summary are unchanged is not rewritten, so its updated_at says when it last changed.
    private const string Upsert = """
        INSERT INTO statuses (kind, namespace, name, status_json, summary, updated_at, spec_hash, generation)
        VALUES ($kind, $namespace, $name, $json, $summary, $updatedAt, $specHash, $generation)
        ON CONFLICT (kind, namespace, name) DO UPDATE SET
            status_json = excluded.status_json, summary = excluded.summary, updated_at = excluded.updated_at,
            spec_hash = excluded.spec_hash, generation = excluded.generation
        WHERE statuses.status_json <> excluded.status_json OR statuses.summary <> excluded.summary
           OR statuses.spec_hash <> excluded.spec_hash OR statuses.generation <> excluded.generation
        """;

    /// <summary>Upserts these statuses, each on its own; others are left alone.</summary>
    /// <returns>Rows inserted or changed.</returns>
    public static int Save(SqliteConnection connection, IReadOnlyList<StoredStatus> statuses)
    {
        if (statuses.Count == 0) return 0;
        using var upsert = connection.CreateCommand();
        upsert.CommandText = Upsert;
        var kind = upsert.Parameters.Add("$kind", SqliteType.Text);
        var ns = upsert.Parameters.Add("$namespace", SqliteType.Text);
        var name = upsert.Parameters.Add("$name", SqliteType.Text);
        var json = upsert.Parameters.Add("$json", SqliteType.Text);
        var summary = upsert.Parameters.Add("$summary", SqliteType.Text);
        var updatedAt = upsert.Parameters.Add("$updatedAt", SqliteType.Text);
        var specHash = upsert.Parameters.Add("$specHash", SqliteType.Text);
        var generation = upsert.Parameters.Add("$generation", SqliteType.Integer);
        upsert.Prepare();
        var written = 0;
        foreach (var status in statuses)
        {
            kind.Value = status.Key.Kind;
            ns.Value = status.Key.Namespace;
            name.Value = status.Key.Name;
            json.Value = status.StatusJson;
            summary.Value = status.Summary;
            updatedAt.Value = ColumnFormat.Timestamp(status.UpdatedAt);
            specHash.Value = status.SpecHash;
            generation.Value = status.Generation;
            written += upsert.ExecuteNonQuery();
        }
        return written;
    }

    public static int Delete(SqliteConnection connection, StatusKey key)
    {
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM statuses WHERE kind = $kind AND namespace = $namespace AND name = $name";
        delete.Parameters.AddWithValue("$kind", key.Kind);
        delete.Parameters.AddWithValue("$namespace", key.Namespace);
        delete.Parameters.AddWithValue("$name", key.Name);
        return delete.ExecuteNonQuery();
    }

    /// <summary>Every recorded status, ordered by kind, namespace and name.</summary>
    public static IReadOnlyList<StoredStatus> Load(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT kind, namespace, name, status_json, summary, updated_at, spec_hash, generation
            FROM statuses ORDER BY kind, namespace, name
            """;
        using var reader = select.ExecuteReader();
        var statuses = new List<StoredStatus>();
        while (reader.Read())
        {
            statuses.Add(new StoredStatus(new StatusKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)),
                reader.GetString(3), reader.GetString(4), ColumnFormat.ParseTimestamp(reader.GetString(5)), reader.GetString(6),
                reader.GetInt64(7)));
        }
        return statuses;
    }
}
