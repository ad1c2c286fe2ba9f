using Microsoft.Data.Sqlite;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>The last recorded status of each declared resource, keyed by kind and name.</summary>
internal static class StatusTable
{
    // A status whose JSON and summary are unchanged is not rewritten, so its updated_at says when it last changed.
    private const string Upsert = """
        INSERT INTO statuses (kind, name, status_json, summary, updated_at, spec_hash, generation)
        VALUES ($kind, $name, $json, $summary, $updatedAt, $specHash, $generation)
        ON CONFLICT (kind, name) DO UPDATE SET
            status_json = excluded.status_json, summary = excluded.summary, updated_at = excluded.updated_at,
            spec_hash = excluded.spec_hash, generation = excluded.generation
        WHERE statuses.status_json <> excluded.status_json OR statuses.summary <> excluded.summary
           OR statuses.spec_hash <> excluded.spec_hash OR statuses.generation <> excluded.generation
        """;

    /// <summary>Upserts the given statuses and forgets every other resource.</summary>
    /// <returns>Rows inserted, changed or deleted.</returns>
    public static int Save(SqliteConnection connection, IReadOnlyList<StoredStatus> statuses, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var declared = new HashSet<(string Kind, string Name)>();
        var written = 0;
        using (var upsert = connection.CreateCommand())
        {
            upsert.CommandText = Upsert;
            var kind = upsert.Parameters.Add("$kind", SqliteType.Text);
            var name = upsert.Parameters.Add("$name", SqliteType.Text);
            var json = upsert.Parameters.Add("$json", SqliteType.Text);
            var summary = upsert.Parameters.Add("$summary", SqliteType.Text);
            var updatedAt = upsert.Parameters.Add("$updatedAt", SqliteType.Text);
            var specHash = upsert.Parameters.Add("$specHash", SqliteType.Text);
            var generation = upsert.Parameters.Add("$generation", SqliteType.Integer);
            upsert.Prepare();
            foreach (var status in statuses)
            {
                cancellationToken.ThrowIfCancellationRequested();
                declared.Add((status.Kind, status.Name));
                kind.Value = status.Kind;
                name.Value = status.Name;
                json.Value = status.StatusJson;
                summary.Value = status.Summary;
                updatedAt.Value = ColumnFormat.Timestamp(status.UpdatedAt);
                specHash.Value = status.SpecHash;
                generation.Value = status.Generation;
                written += upsert.ExecuteNonQuery();
            }
        }

        var forgotten = new List<(string Kind, string Name)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT kind, name FROM statuses";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var key = (reader.GetString(0), reader.GetString(1));
                if (!declared.Contains(key)) forgotten.Add(key);
            }
        }
        using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM statuses WHERE kind = $kind AND name = $name";
            var kind = delete.Parameters.Add("$kind", SqliteType.Text);
            var name = delete.Parameters.Add("$name", SqliteType.Text);
            foreach (var (k, n) in forgotten)
            {
                kind.Value = k;
                name.Value = n;
                written += delete.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        return written;
    }

    /// <summary>Every recorded status, ordered by kind and name.</summary>
    public static IReadOnlyList<StoredStatus> Load(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT kind, name, status_json, summary, updated_at, spec_hash, generation FROM statuses ORDER BY kind, name";
        using var reader = select.ExecuteReader();
        var statuses = new List<StoredStatus>();
        while (reader.Read())
        {
            statuses.Add(new StoredStatus(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), ColumnFormat.ParseTimestamp(reader.GetString(4)), reader.GetString(5), reader.GetInt64(6)));
        }
        return statuses;
    }
}
