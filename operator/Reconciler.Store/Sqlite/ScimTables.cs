using Microsoft.Data.Sqlite;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// <c>scim_tokens</c>, <c>scim_resources</c> and <c>scim_members</c>, and a resource write with the imported
/// entries that follow from it, on a connection whose transaction the caller holds.
/// </summary>
internal static class ScimTables
{
    private const string ResourceColumns = "r.id, r.name_key, r.external_id, r.version, r.created_at, r.updated_at, r.body";

    public static void SaveToken(SqliteConnection connection, long sourceId, ScimToken token)
    {
        using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO scim_tokens (source_id, hash, created_at, expires_at) VALUES ($source, $hash, $created, $expires)
            ON CONFLICT (source_id) DO UPDATE SET hash = excluded.hash, created_at = excluded.created_at, expires_at = excluded.expires_at
            """;
        upsert.Parameters.AddWithValue("$source", sourceId);
        upsert.Parameters.AddWithValue("$hash", token.Hash);
        upsert.Parameters.AddWithValue("$created", ColumnFormat.Timestamp(token.CreatedAt));
        upsert.Parameters.AddWithValue("$expires", ColumnFormat.Timestamp(token.ExpiresAt));
        upsert.ExecuteNonQuery();
    }

    public static ScimToken? FindToken(SqliteConnection connection, string source)
    {
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT t.hash, t.created_at, t.expires_at FROM scim_tokens t JOIN sources s ON s.id = t.source_id WHERE s.name = $name
            """;
        select.Parameters.AddWithValue("$name", source);
        using var reader = select.ExecuteReader();
        if (!reader.Read()) return null;
        return new ScimToken(source, (byte[])reader.GetValue(0), ColumnFormat.ParseTimestamp(reader.GetString(1)),
            ColumnFormat.ParseTimestamp(reader.GetString(2)));
    }

    public static StoredScimResource? Get(SqliteConnection connection, string source, ScimKind kind, string id) =>
        Query(connection, source, kind, "r.id = $key", id).FirstOrDefault();

    public static StoredScimResource? FindByName(SqliteConnection connection, string source, ScimKind kind, string name) =>
        Query(connection, source, kind, "r.name_key = $key", NameKey(name)).FirstOrDefault();

    public static IEnumerable<StoredScimResource> List(SqliteConnection connection, string source, ScimKind kind) =>
        Query(connection, source, kind, null, null);

    public static IReadOnlyList<string> GroupsOf(SqliteConnection connection, long sourceId, string userId)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT group_id FROM scim_members WHERE source_id = $source AND user_id = $user ORDER BY group_id";
        select.Parameters.AddWithValue("$source", sourceId);
        select.Parameters.AddWithValue("$user", userId);
        using var reader = select.ExecuteReader();
        var groups = new List<string>();
        while (reader.Read()) groups.Add(reader.GetString(0));
        return groups;
    }

    /// <summary>The key names are unique by: upper-cased, as SCIM compares userName (caseExact false).</summary>
    public static string NameKey(string name) => name.ToUpperInvariant();

    /// <summary>Writes the resource, its members and the imported entries it changes; throws when the compare-and-swap fails.</summary>
    public static void Write(SqliteConnection connection, long sourceId, ScimWrite write)
    {
        var kind = write.Kind.ToString();
        if (write.ExpectedVersion is null)
        {
            var body = write.Resource ?? throw new ArgumentException("a create needs a resource", nameof(write));
            Execute(connection, """
                INSERT INTO scim_resources (source_id, kind, id, name_key, external_id, version, created_at, updated_at, body)
                VALUES ($source, $kind, $id, $name, $external, 1, $now, $now, $body)
                """, sourceId, kind, write.Id, body, write.Now, null);
        }
        else if (write.Resource is { } body)
        {
            var changed = Execute(connection, """
                UPDATE scim_resources SET name_key = $name, external_id = $external, version = version + 1, updated_at = $now, body = $body
                WHERE source_id = $source AND kind = $kind AND id = $id AND version = $expected
                """, sourceId, kind, write.Id, body, write.Now, write.ExpectedVersion);
            if (changed == 0) throw Missed(connection, sourceId, write);
        }
        else
        {
            var deleted = Execute(connection, "DELETE FROM scim_resources WHERE source_id = $source AND kind = $kind AND id = $id AND version = $expected",
                sourceId, kind, write.Id, null, write.Now, write.ExpectedVersion);
            if (deleted == 0) throw Missed(connection, sourceId, write);
        }
        if (write.Kind == ScimKind.Group) ReplaceMembers(connection, sourceId, write.Id, write.Resource?.Members ?? []);
        if (write.Kind == ScimKind.User && write.Resource is null)
        {
            Execute(connection, "DELETE FROM scim_members WHERE source_id = $source AND user_id = $id", sourceId, kind, write.Id, null, write.Now, null);
        }
        foreach (var row in write.Imported) PutImported(connection, sourceId, row);
        foreach (var id in write.Removed) RemoveImported(connection, sourceId, id);
    }

    private static IEnumerable<StoredScimResource> Query(SqliteConnection connection, string source, ScimKind kind, string? where, string? key)
    {
        using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT {ResourceColumns},
                   (SELECT group_concat(m.user_id, char(10)) FROM scim_members m WHERE m.source_id = r.source_id AND m.group_id = r.id)
            FROM scim_resources r JOIN sources s ON s.id = r.source_id
            WHERE s.name = $name AND r.kind = $kind {(where is null ? "" : "AND " + where)}
            ORDER BY r.id
            """;
        select.Parameters.AddWithValue("$name", source);
        select.Parameters.AddWithValue("$kind", kind.ToString());
        if (key is not null) select.Parameters.AddWithValue("$key", key);
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            var members = reader.IsDBNull(7) ? [] : reader.GetString(7).Split('\n');
            yield return new StoredScimResource(source, kind, reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3), ColumnFormat.ParseTimestamp(reader.GetString(4)), ColumnFormat.ParseTimestamp(reader.GetString(5)),
                reader.GetString(6), members);
        }
    }

    private static int Execute(SqliteConnection connection, string sql, long sourceId, string kind, string id, ScimResourceBody? body,
        DateTimeOffset now, long? expected)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$source", sourceId);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", ColumnFormat.Timestamp(now));
        if (body is not null)
        {
            command.Parameters.AddWithValue("$name", NameKey(body.Name));
            command.Parameters.AddWithValue("$external", (object?)body.ExternalId ?? DBNull.Value);
            command.Parameters.AddWithValue("$body", body.Json);
        }
        if (expected is { } version) command.Parameters.AddWithValue("$expected", version);
        try
        {
            return command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            var what = kind == nameof(ScimKind.User) ? "userName" : "displayName";
            throw new ScimConflictException(e.Message.Contains("name_key", StringComparison.Ordinal)
                ? $"a {kind} with the {what} '{body?.Name}' already exists"
                : $"a {kind} with the id '{id}' already exists", versionMismatch: false);
        }
    }

    /// <summary>Why a replace or delete changed no row: the resource is gone, or at another version.</summary>
    private static StoreException Missed(SqliteConnection connection, long sourceId, ScimWrite write)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT version FROM scim_resources WHERE source_id = $source AND kind = $kind AND id = $id";
        select.Parameters.AddWithValue("$source", sourceId);
        select.Parameters.AddWithValue("$kind", write.Kind.ToString());
        select.Parameters.AddWithValue("$id", write.Id);
        return select.ExecuteScalar() is long version
            ? new ScimConflictException($"{write.Kind} {write.Id} is at version {version}, not {write.ExpectedVersion}", versionMismatch: true)
            : new ScimNotFoundException($"{write.Kind} {write.Id} not found");
    }

    private static void ReplaceMembers(SqliteConnection connection, long sourceId, string groupId, IReadOnlyList<string> members)
    {
        using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM scim_members WHERE source_id = $source AND group_id = $group";
            delete.Parameters.AddWithValue("$source", sourceId);
            delete.Parameters.AddWithValue("$group", groupId);
            delete.ExecuteNonQuery();
        }
        if (members.Count == 0) return;
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT OR IGNORE INTO scim_members (source_id, group_id, user_id) VALUES ($source, $group, $user)";
        insert.Parameters.AddWithValue("$source", sourceId);
        insert.Parameters.AddWithValue("$group", groupId);
        var user = insert.Parameters.Add("$user", SqliteType.Text);
        insert.Prepare();
        foreach (var member in members)
        {
            user.Value = member;
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>Stores an imported entry, counts it when it is new to the snapshot, and marks it for the next plan.</summary>
    private static void PutImported(SqliteConnection connection, long sourceId, ImportedRow row)
    {
        var wasImported = HasImported(connection, sourceId, row.Id);
        using (var put = connection.CreateCommand())
        {
            put.CommandText = UsersTable.PutImported;
            put.Parameters.AddWithValue("$source", sourceId);
            put.Parameters.AddWithValue("$id", row.Id);
            put.Parameters.AddWithValue("$imported", row.Data);
            put.Parameters.AddWithValue("$hash", unchecked((long)row.Fingerprint));
            put.ExecuteNonQuery();
        }
        if (!wasImported) CountImported(connection, sourceId, +1);
        PendingTable.MarkWritten(connection, sourceId, row.Id);
    }

    private static void RemoveImported(SqliteConnection connection, long sourceId, string id)
    {
        if (!HasImported(connection, sourceId, id)) return;
        foreach (var sql in new[] { UsersTable.DropImported, UsersTable.DeleteUnprovisioned })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$source", sourceId);
            command.Parameters.AddWithValue("$id", id);
            command.ExecuteNonQuery();
        }
        CountImported(connection, sourceId, -1);
        PendingTable.MarkWritten(connection, sourceId, id);
    }

    private static bool HasImported(SqliteConnection connection, long sourceId, string id)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT imported IS NOT NULL FROM users WHERE source_id = $source AND external_id = $id";
        select.Parameters.AddWithValue("$source", sourceId);
        select.Parameters.AddWithValue("$id", id);
        return select.ExecuteScalar() is long and 1;
    }

    private static void CountImported(SqliteConnection connection, long sourceId, int by)
    {
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE sources SET imported_users = max(0, imported_users + $by) WHERE id = $source";
        update.Parameters.AddWithValue("$by", by);
        update.Parameters.AddWithValue("$source", sourceId);
        update.ExecuteNonQuery();
    }
}
