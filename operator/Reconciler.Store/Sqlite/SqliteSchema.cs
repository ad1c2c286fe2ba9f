using Microsoft.Data.Sqlite;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// The store's tables, versioned by <c>PRAGMA user_version</c>. A new file gets the current schema; an older file is
/// brought up by its migrations, in order, in one transaction. Append migrations, never edit shipped ones. The SQL
/// is plain tables and indexes so the PostgreSQL store can follow it.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Marks the file as a reconciler store (PRAGMA application_id, "RCNL").</summary>
    public const int ApplicationId = 0x52434E4C;

    public const int CurrentVersion = 4;

    /// <summary>Provisioned users' emails are unique (case-insensitively: the key is upper-cased).</summary>
    internal const string UsersByEmail = "CREATE UNIQUE INDEX users_by_email ON users (email_key) WHERE email_key IS NOT NULL";

    /// <summary>
    /// v3. One row per user and source in <c>users</c>: what the directory says (<c>imported</c>, an encoded
    /// <see cref="Contract.ImportedRow"/>, NULL once the directory no longer has the user) and what the registry holds
    /// (<c>state</c> and the provisioning columns, NULL until the user is provisioned). Keeping both in one row
    /// means importing and provisioning a user is one B-tree write, and planning a source is one scan in id order.
    /// </summary>
    private const string V3 = $$"""
        CREATE TABLE store_meta (
            key   TEXT    NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO store_meta (key, value) VALUES ('registry_seq', 0);
        CREATE TABLE sources (
            id             INTEGER PRIMARY KEY,
            name           TEXT    NOT NULL UNIQUE,   -- namespace/name, or name in the default namespace
            cursor         TEXT,
            complete       INTEGER NOT NULL DEFAULT 0,
            failed         INTEGER NOT NULL DEFAULT 0,
            problems       TEXT    NOT NULL DEFAULT '[]',  -- JSON array of strings
            read_at        TEXT,                      -- ISO-8601 UTC
            duration_ms    INTEGER NOT NULL DEFAULT 0,
            groups_seen    INTEGER NOT NULL DEFAULT 0,
            full_read_at   TEXT,
            snapshot_seq   INTEGER NOT NULL DEFAULT 0,
            imported_users INTEGER NOT NULL DEFAULT 0,
            active         INTEGER NOT NULL DEFAULT 0,
            preserved      INTEGER NOT NULL DEFAULT 0,
            disabled       INTEGER NOT NULL DEFAULT 0,
            plan_memo      TEXT                       -- JSON, see PlanMemo
        );
        CREATE TABLE users (
            source_id       INTEGER NOT NULL REFERENCES sources (id),
            external_id     TEXT    NOT NULL,
            imported        BLOB,               -- the directory's entry; NULL when the directory no longer has the user
            imported_hash   INTEGER,            -- XxHash3 of imported
            version         INTEGER NOT NULL DEFAULT 0,  -- registry row version; 0 until provisioned
            state           TEXT CHECK (state IN ('Active', 'Preserved', 'Disabled')),  -- NULL: not provisioned
            email           TEXT,
            email_key       TEXT,               -- upper-cased email, unique among provisioned users
            user_name       TEXT,
            display_name    TEXT,
            given_name      TEXT,
            surname         TEXT,
            department      TEXT,
            title           TEXT,
            mapping         TEXT,
            profile         TEXT,
            storage_region  TEXT,
            quota_bytes     INTEGER CHECK (quota_bytes >= 0),
            quota_policy    TEXT,
            login_mechanism TEXT,
            created_at      TEXT,               -- ISO-8601 UTC
            updated_at      TEXT,
            PRIMARY KEY (source_id, external_id),
            CHECK (imported IS NOT NULL OR state IS NOT NULL)
        ) WITHOUT ROWID;
        {{UsersByEmail}};
        CREATE TABLE pending (
            source_id     INTEGER NOT NULL REFERENCES sources (id),
            external_id   TEXT    NOT NULL,
            kind          TEXT    NOT NULL CHECK (kind IN ('Conflict', 'HeldBack', 'Written')),
            mapping       TEXT    NOT NULL DEFAULT '',
            owner_source  TEXT    NOT NULL DEFAULT '',
            owner_mapping TEXT    NOT NULL DEFAULT '',
            message       TEXT    NOT NULL DEFAULT '',
            PRIMARY KEY (source_id, external_id, kind)
        ) WITHOUT ROWID;
        CREATE TABLE audit (
            id          INTEGER PRIMARY KEY,
            at          TEXT NOT NULL,  -- ISO-8601 UTC
            action      TEXT NOT NULL,  -- create, update, preserve, disable, restore
            source      TEXT NOT NULL,
            external_id TEXT NOT NULL,
            email       TEXT NOT NULL,
            mapping     TEXT NOT NULL,
            reason      TEXT NOT NULL,
            revision    TEXT NOT NULL,
            details     TEXT NOT NULL   -- JSON array of {field, from, to}
        );
        CREATE TABLE statuses (
            kind        TEXT    NOT NULL,
            namespace   TEXT    NOT NULL,
            name        TEXT    NOT NULL,
            status_json TEXT    NOT NULL,
            summary     TEXT    NOT NULL,
            updated_at  TEXT    NOT NULL,  -- ISO-8601 UTC
            spec_hash   TEXT    NOT NULL DEFAULT '',
            generation  INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (kind, namespace, name)
        ) WITHOUT ROWID;
        """;

    /// <summary>v4: v3 plus what SCIM sources keep (<see cref="SqliteMigrations.V3ToV4"/>).</summary>
    private const string Current = V3 + SqliteMigrations.V3ToV4;

    /// <summary>What an existing file says about itself, read without changing it.</summary>
    public sealed record Header(int ApplicationId, int Version, long Objects);

    public static Header ReadHeader(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA application_id; PRAGMA user_version; SELECT count(*) FROM sqlite_master;";
        using var reader = command.ExecuteReader();
        reader.Read();
        var applicationId = reader.GetInt32(0);
        reader.NextResult();
        reader.Read();
        var version = reader.GetInt32(0);
        reader.NextResult();
        reader.Read();
        return new Header(applicationId, version, reader.GetInt64(0));
    }

    /// <summary>Why a file cannot be used as a store, or null when it can (possibly after migrating).</summary>
    public static Exception? Refusal(Header header, string path)
    {
        var empty = header.ApplicationId == 0 && header.Version == 0 && header.Objects == 0;
        if (!empty && header.ApplicationId != ApplicationId)
            return StoreErrors.NotAStore(path, "it is an SQLite database of another program");
        return header.Version > CurrentVersion ? StoreErrors.Newer(path, header.Version, CurrentVersion) : null;
    }

    /// <summary>Brings the schema up to <see cref="CurrentVersion"/> in one transaction; a no-op when it is there.</summary>
    /// <returns>The version the file had before.</returns>
    public static int Migrate(SqliteConnection connection, string path)
    {
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;";
            // SQLite answers with the mode it is in: where it cannot use WAL (no shared memory for the file) it stays
            // in its old mode without an error, and a write session, which reads on a second connection while it
            // writes, would then wait on its own read lock.
            var mode = wal.ExecuteScalar() as string ?? "";
            if (!mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
            {
                throw StoreErrors.CannotWrite(path, $"SQLite could not put it in WAL mode (it stays in '{mode}' mode); " +
                    "the store needs a local file system with shared memory");
            }
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        var header = ReadHeader(connection);
        if (Refusal(header, path) is { } refusal) throw refusal;
        if (header.Version == CurrentVersion) return header.Version;
        if (header.Version == 0)
        {
            Execute(connection, Current);
        }
        else
        {
            if (header.Version == 1) Execute(connection, SqliteMigrations.V1ToV2);
            if (header.Version <= 2) SqliteMigrations.V2ToV3(connection, V3);
            Execute(connection, SqliteMigrations.V3ToV4);
        }
        Execute(connection, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {CurrentVersion};");
        transaction.Commit();
        return header.Version;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
