using Microsoft.Data.Sqlite;
using Reconciler.Core.Directory;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>How stores written by earlier versions are brought up to the current schema. Shipped steps never change.</summary>
internal static class SqliteMigrations
{
    /// <summary>
    /// v3 → v4: SCIM sources. Each has at most one bearer token (its SHA-256; a new token replaces the old), and keeps
    /// the resources its identity provider pushed as JSON (what GET returns), unique by userName or displayName
    /// (upper-cased) per source and kind, with the group members listed for lookups both ways. The users derived from
    /// them are the source's imported entries in <c>users</c>, as for any other source.
    /// </summary>
    public const string V3ToV4 = """
        CREATE TABLE scim_tokens (
            source_id  INTEGER NOT NULL PRIMARY KEY REFERENCES sources (id),
            hash       BLOB    NOT NULL,
            created_at TEXT    NOT NULL,   -- ISO-8601 UTC
            expires_at TEXT    NOT NULL
        );
        CREATE TABLE scim_resources (
            source_id   INTEGER NOT NULL REFERENCES sources (id),
            kind        TEXT    NOT NULL CHECK (kind IN ('User', 'Group')),
            id          TEXT    NOT NULL,
            name_key    TEXT    NOT NULL,  -- userName (User) or displayName (Group), upper-cased
            external_id TEXT,
            version     INTEGER NOT NULL,
            created_at  TEXT    NOT NULL,
            updated_at  TEXT    NOT NULL,
            body        TEXT    NOT NULL,  -- the resource as JSON, meta aside
            PRIMARY KEY (source_id, kind, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX scim_resources_by_name ON scim_resources (source_id, kind, name_key);
        CREATE TABLE scim_members (
            source_id INTEGER NOT NULL REFERENCES sources (id),
            group_id  TEXT    NOT NULL,
            user_id   TEXT    NOT NULL,
            PRIMARY KEY (source_id, group_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX scim_members_by_user ON scim_members (source_id, user_id, group_id);
        """;

    /// <summary>v1 → v2: the spec a status was recorded for, so folder resources get a generation that moves when they change.</summary>
    public const string V1ToV2 = """
        ALTER TABLE statuses ADD COLUMN spec_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE statuses ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
        """;

    /// <summary>
    /// v2 → v3: snapshots and the registry become one row per user (imported entries encoded), sources get ids,
    /// counters and a sequence, statuses get a namespace (resources the default one; the configuration's own status
    /// none, as <c>ConfigurationReport.Key</c> has it). Every user, snapshot row, audit entry and status is kept.
    /// Should two registry rows share an email (only possible by editing the file by hand), the later one keeps its
    /// email but not the uniqueness guard.
    /// </summary>
    public static void V2ToV3(SqliteConnection connection, string v3Schema)
    {
        SqliteSchema.Execute(connection, """
            ALTER TABLE sources RENAME TO sources_v2;
            ALTER TABLE imported_users RENAME TO imported_users_v2;
            ALTER TABLE users RENAME TO users_v2;
            ALTER TABLE audit RENAME TO audit_v2;
            ALTER TABLE statuses RENAME TO statuses_v2;
            DROP INDEX IF EXISTS users_by_email;
            DROP INDEX IF EXISTS users_by_state;
            """);
        SqliteSchema.Execute(connection, v3Schema);
        SqliteSchema.Execute(connection, """
            INSERT INTO sources (name, cursor, complete, failed, problems, read_at, duration_ms, groups_seen, full_read_at, snapshot_seq)
                SELECT name, cursor, complete, failed, problems, read_at, duration_ms, groups_seen, read_at, 1 FROM sources_v2;
            INSERT INTO sources (name) SELECT DISTINCT source FROM users_v2 WHERE source NOT IN (SELECT name FROM sources);
            INSERT INTO audit (id, at, action, source, external_id, email, mapping, reason, revision, details)
                SELECT id, at, action, source, external_id, email, mapping, reason, revision, details FROM audit_v2;
            INSERT INTO statuses (kind, namespace, name, status_json, summary, updated_at, spec_hash, generation)
                SELECT kind, CASE kind WHEN 'Configuration' THEN '' ELSE 'default' END, name, status_json, summary, updated_at,
                       spec_hash, generation
                FROM statuses_v2;
            INSERT INTO users (source_id, external_id, version, state, email, user_name, display_name, given_name, surname,
                               department, title, mapping, profile, storage_region, quota_bytes, quota_policy, login_mechanism,
                               created_at, updated_at)
                SELECT s.id, u.external_id, 1, u.state, u.email, u.user_name, u.display_name, u.given_name, u.surname,
                       u.department, u.title, u.mapping, u.profile, u.storage_region, u.quota_bytes, u.quota_policy,
                       u.login_mechanism, u.created_at, u.updated_at
                FROM users_v2 u JOIN sources s ON s.name = u.source
                ORDER BY u.created_at, u.source, u.external_id;
            """);
        KeyEmails(connection);
        CopySnapshots(connection);
        SqliteSchema.Execute(connection, """
            UPDATE sources SET
                imported_users = (SELECT count(*) FROM users u WHERE u.source_id = sources.id AND u.imported IS NOT NULL),
                active = (SELECT count(*) FROM users u WHERE u.source_id = sources.id AND u.state = 'Active'),
                preserved = (SELECT count(*) FROM users u WHERE u.source_id = sources.id AND u.state = 'Preserved'),
                disabled = (SELECT count(*) FROM users u WHERE u.source_id = sources.id AND u.state = 'Disabled');
            DROP TABLE imported_users_v2;
            DROP TABLE users_v2;
            DROP TABLE audit_v2;
            DROP TABLE statuses_v2;
            DROP TABLE sources_v2;
            """);
    }

    /// <summary>Gives each registry row its email key, the earliest-provisioned holder first.</summary>
    private static void KeyEmails(SqliteConnection connection)
    {
        var keys = new List<(long Source, string Id, string Key)>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT source_id, external_id, email FROM users WHERE email <> '' ORDER BY created_at, source_id, external_id";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var key = UsersTable.EmailKey(reader.GetString(2));
                if (taken.Add(key)) keys.Add((reader.GetInt64(0), reader.GetString(1), key));
            }
        }
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE users SET email_key = $key WHERE source_id = $source AND external_id = $id";
        var source = update.Parameters.Add("$source", SqliteType.Integer);
        var id = update.Parameters.Add("$id", SqliteType.Text);
        var keyParameter = update.Parameters.Add("$key", SqliteType.Text);
        foreach (var (s, i, k) in keys)
        {
            source.Value = s;
            id.Value = i;
            keyParameter.Value = k;
            update.ExecuteNonQuery();
        }
    }

    /// <summary>Encodes every v2 snapshot row into its user's row (creating it when the user was never provisioned).</summary>
    private static void CopySnapshots(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT s.id, i.external_id, i.user_name, i.email, i.display_name, i.given_name, i.surname, i.department, i.title,
                   i.groups, i.organizational_unit, i.enabled, i.attributes
            FROM imported_users_v2 i JOIN sources s ON s.name = i.source
            """;
        using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO users (source_id, external_id, imported, imported_hash) VALUES ($source, $id, $imported, $hash)
            ON CONFLICT (source_id, external_id) DO UPDATE SET imported = excluded.imported, imported_hash = excluded.imported_hash
            """;
        var source = upsert.Parameters.Add("$source", SqliteType.Integer);
        var id = upsert.Parameters.Add("$id", SqliteType.Text);
        var imported = upsert.Parameters.Add("$imported", SqliteType.Blob);
        var hash = upsert.Parameters.Add("$hash", SqliteType.Integer);
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            var user = new ImportedUser
            {
                Id = reader.GetString(1),
                Details = new UserDetails
                {
                    UserName = reader.GetString(2), Email = reader.GetString(3), DisplayName = reader.GetString(4),
                    GivenName = reader.GetString(5), Surname = reader.GetString(6), Department = reader.GetString(7),
                    Title = reader.GetString(8),
                },
                Groups = JsonColumns.ParseArray(reader.GetString(9)),
                OrganizationalUnit = reader.GetString(10),
                Enabled = reader.GetInt64(11) != 0,
                Attributes = reader.IsDBNull(12) ? null : JsonColumns.ParseMap(System.Text.Encoding.UTF8.GetBytes(reader.GetString(12))),
            };
            var row = ImportedRow.Of(user, keepUser: false);
            source.Value = reader.GetInt64(0);
            id.Value = user.Id;
            imported.Value = row.Data.ToArray();
            hash.Value = unchecked((long)row.Fingerprint);
            upsert.ExecuteNonQuery();
        }
    }
}
