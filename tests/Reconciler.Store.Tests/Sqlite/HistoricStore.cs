using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Reconciler.Core.Directory;
using Reconciler.Core.Registry;

namespace Reconciler.Store.Tests.Sqlite;

/// <summary>
/// A store as an earlier reconciler left it: the schema exactly as v1 and v2 shipped it (copied from the
/// SqliteSchema.cs of commit 7881d48, never to be edited) and rows in the formats those versions wrote.
/// </summary>
public sealed class HistoricStore : IDisposable
{
    /// <summary>v1: imported snapshots, the registry, the audit log, resource statuses.</summary>
    public const string V1 = """
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
        """;

    /// <summary>v2: the spec a status was recorded for, so a folder's resources get a generation that moves when they change.</summary>
    public const string V1ToV2 = """
        ALTER TABLE statuses ADD COLUMN spec_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE statuses ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
        """;

    private const int ApplicationId = 0x52434E4C;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SqliteConnection _connection;

    private HistoricStore(SqliteConnection connection, int version)
    {
        _connection = connection;
        Version = version;
    }

    public int Version { get; }

    /// <summary>Creates the store file of <paramref name="folder"/> at schema <paramref name="version"/> (1 or 2), empty.</summary>
    public static HistoricStore Create(StoreFolder folder, int version)
    {
        var connection = folder.Connect();
        StoreFolder.Execute(connection, "PRAGMA journal_mode = WAL");
        StoreFolder.Execute(connection, V1);
        if (version >= 2) StoreFolder.Execute(connection, V1ToV2);
        StoreFolder.Execute(connection, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {version};");
        return new HistoricStore(connection, version);
    }

    public void Source(string name, string? cursor, bool complete, bool failed, IReadOnlyList<string> problems, DateTimeOffset readAt,
        long durationMs, int usersSeen, int groupsSeen) =>
        Insert("sources", new()
        {
            ["name"] = name, ["cursor"] = cursor, ["complete"] = complete, ["failed"] = failed,
            ["problems"] = JsonSerializer.Serialize(problems, Json), ["read_at"] = Timestamp(readAt), ["duration_ms"] = durationMs,
            ["users_seen"] = usersSeen, ["groups_seen"] = groupsSeen, ["content_hash"] = "sha256:" + name,
        });

    public void Imported(string source, int position, ImportedUser user) =>
        Insert("imported_users", new()
        {
            ["source"] = source, ["external_id"] = user.Id, ["position"] = position,
            ["user_name"] = user.Details.UserName, ["email"] = user.Details.Email, ["display_name"] = user.Details.DisplayName,
            ["given_name"] = user.Details.GivenName, ["surname"] = user.Details.Surname, ["department"] = user.Details.Department,
            ["title"] = user.Details.Title,
            ["groups"] = user.Groups.Count == 0 ? "[]" : JsonSerializer.Serialize(user.Groups, Json),
            ["organizational_unit"] = user.OrganizationalUnit, ["enabled"] = user.Enabled,
            ["attributes"] = user.Attributes is null
                ? null
                : JsonSerializer.Serialize(new SortedDictionary<string, string>(user.Attributes.ToDictionary(), StringComparer.Ordinal), Json),
        });

    public void User(ProvisionedUser user) =>
        Insert("users", new()
        {
            ["source"] = user.Source, ["external_id"] = user.ExternalId,
            ["user_name"] = user.Details.UserName, ["email"] = user.Details.Email, ["display_name"] = user.Details.DisplayName,
            ["given_name"] = user.Details.GivenName, ["surname"] = user.Details.Surname, ["department"] = user.Details.Department,
            ["title"] = user.Details.Title, ["state"] = user.State.ToString(), ["mapping"] = user.Mapping, ["profile"] = user.Profile,
            ["storage_region"] = user.StorageRegion, ["quota_bytes"] = user.QuotaBytes, ["quota_policy"] = user.QuotaPolicy,
            ["login_mechanism"] = user.LoginMechanism.ToString(), ["created_at"] = Timestamp(user.CreatedAt),
            ["updated_at"] = Timestamp(user.UpdatedAt),
        });

    public void Audit(long id, DateTimeOffset at, string action, string source, string externalId, string email, string mapping,
        string reason, string revision, string details) =>
        Insert("audit", new()
        {
            ["id"] = id, ["at"] = Timestamp(at), ["action"] = action, ["source"] = source, ["external_id"] = externalId,
            ["email"] = email, ["mapping"] = mapping, ["reason"] = reason, ["revision"] = revision, ["details"] = details,
        });

    /// <summary>A status; its spec hash and generation are written only by v2, which has those columns.</summary>
    public void Status(string kind, string name, string json, string summary, DateTimeOffset updatedAt, string specHash = "", long generation = 0)
    {
        var row = new Dictionary<string, object?>
        {
            ["kind"] = kind, ["name"] = name, ["status_json"] = json, ["summary"] = summary, ["updated_at"] = Timestamp(updatedAt),
        };
        if (Version >= 2)
        {
            row["spec_hash"] = specHash;
            row["generation"] = generation;
        }
        Insert("statuses", row);
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>How v1 and v2 wrote timestamps: ISO-8601 UTC with seven fractional digits.</summary>
    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private void Insert(string table, Dictionary<string, object?> row)
    {
        using var insert = _connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {table} ({string.Join(", ", row.Keys)}) VALUES ({string.Join(", ", row.Keys.Select(k => "$" + k))})";
        foreach (var (column, value) in row) insert.Parameters.AddWithValue("$" + column, value ?? DBNull.Value);
        insert.ExecuteNonQuery();
    }
}
