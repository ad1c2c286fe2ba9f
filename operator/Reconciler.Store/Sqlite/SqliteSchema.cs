using Microsoft.Data.Sqlite;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// The store's tables, versioned by <c>PRAGMA user_version</c>. Each migration moves the schema up by one version;
/// they run in order, in one transaction. Append new migrations, never edit shipped ones. The SQL is plain tables
/// and indexes so the PostgreSQL store can follow it; JSON is kept as text.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Marks the file as a reconciler store (PRAGMA application_id, "RCNL").</summary>
    public const int ApplicationId = 0x52434E4C;

    public static int CurrentVersion => Migrations.Length;

    private static readonly string[] Migrations =
    [
        // v1: imported snapshots, the registry, the audit log, resource statuses.
        """
        CREATE TABLE sources (
            name         TEXT    NOT NULL PRIMARY KEY,
            cursor       TEXT,
            complete     INTEGER NOT NULL,
            failed       INTEGER NOT NULL,
            problems     TEXT    NOT NULL,  -- JSON array of strings
            read_at      TEXT    NOT NULL,  -- ISO-8601 UTC
            duration_ms  INTEGER NOT NULL,
            users_seen   INTEGER NOT NULL,
            groups_seen  INTEGER NOT NULL,
            content_hash TEXT    NOT NULL   -- SHA-256 of users, cursor, completeness and problems
        );
        CREATE TABLE imported_users (
            source              TEXT    NOT NULL,
            external_id         TEXT    NOT NULL,
            position            INTEGER NOT NULL,  -- order in the snapshot
            user_name           TEXT    NOT NULL,
            email               TEXT    NOT NULL,
            display_name        TEXT    NOT NULL,
            given_name          TEXT    NOT NULL,
            surname             TEXT    NOT NULL,
            department          TEXT    NOT NULL,
            title               TEXT    NOT NULL,
            groups              TEXT    NOT NULL,  -- JSON array of strings
            organizational_unit TEXT    NOT NULL,
            enabled             INTEGER NOT NULL,
            attributes          TEXT,              -- JSON object, NULL when the directory gave none
            PRIMARY KEY (source, external_id)
        );
        CREATE TABLE users (
            source          TEXT    NOT NULL,
            external_id     TEXT    NOT NULL,
            user_name       TEXT    NOT NULL,
            email           TEXT    NOT NULL,
            display_name    TEXT    NOT NULL,
            given_name      TEXT    NOT NULL,
            surname         TEXT    NOT NULL,
            department      TEXT    NOT NULL,
            title           TEXT    NOT NULL,
            state           TEXT    NOT NULL CHECK (state IN ('Active', 'Preserved', 'Disabled')),
            mapping         TEXT    NOT NULL,
            profile         TEXT    NOT NULL,
            storage_region  TEXT    NOT NULL,
            quota_bytes     INTEGER NOT NULL CHECK (quota_bytes >= 0),
            quota_policy    TEXT,
            login_mechanism TEXT    NOT NULL,
            created_at      TEXT    NOT NULL,  -- ISO-8601 UTC
            updated_at      TEXT    NOT NULL,
            PRIMARY KEY (source, external_id)
        );
        CREATE INDEX users_by_email ON users (lower(email));
        CREATE INDEX users_by_state ON users (state);
        CREATE TABLE audit (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
            kind        TEXT NOT NULL,
            name        TEXT NOT NULL,
            status_json TEXT NOT NULL,
            summary     TEXT NOT NULL,
            updated_at  TEXT NOT NULL,  -- ISO-8601 UTC
            PRIMARY KEY (kind, name)
        );
        """,
        // v2: the spec a status was recorded for, so a folder's resources get a generation that moves when they change.
        """
        ALTER TABLE statuses ADD COLUMN spec_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE statuses ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
        """,
    ];

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
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode = WAL;";
        wal.ExecuteNonQuery();

        using var transaction = connection.BeginTransaction(deferred: false);
        var header = ReadHeader(connection);
        if (Refusal(header, path) is { } refusal) throw refusal;
        if (header.Version == CurrentVersion) return header.Version;
        for (var version = header.Version; version < CurrentVersion; version++)
        {
            using var step = connection.CreateCommand();
            step.CommandText = Migrations[version];
            step.ExecuteNonQuery();
        }
        using var stamp = connection.CreateCommand();
        stamp.CommandText = $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {CurrentVersion};";
        stamp.ExecuteNonQuery();
        transaction.Commit();
        return header.Version;
    }
}
