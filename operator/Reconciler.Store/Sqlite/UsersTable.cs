using Reconciler.Core.Directory;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// Reads and writes <c>users</c>: each row holds a user's imported entry and registry row (either may be NULL).
/// Columns are bound and read by position through <see cref="SqliteStatement"/>, because these loops touch every user.
/// </summary>
internal static class UsersTable
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = """
        external_id, imported, imported_hash, version, state, email, user_name, display_name, given_name, surname,
        department, title, mapping, profile, storage_region, quota_bytes, quota_policy, login_mechanism, created_at, updated_at
        """;

    public const string SelectOne = $"SELECT {Columns} FROM users WHERE source_id = $source AND external_id = $id";

    public const string SelectAll = $"SELECT {Columns} FROM users WHERE source_id = $source ORDER BY external_id";

    public const string SelectUnprovisioned = $"SELECT {Columns} FROM users WHERE source_id = $source AND state IS NULL ORDER BY external_id";

    public const string SelectFingerprint =
        "SELECT imported_hash FROM users WHERE source_id = $source AND external_id = $id AND imported_hash IS NOT NULL";

    public const string SelectFingerprints =
        "SELECT external_id, imported_hash FROM users WHERE source_id = $source AND imported_hash IS NOT NULL";

    public const string SelectByEmail = $"""
        SELECT s.name, {Columns} FROM users JOIN sources s ON s.id = users.source_id WHERE email_key = $key
        """;

    /// <summary>Stores an imported entry; the registry columns of an existing row stay as they are.</summary>
    public const string PutImported = """
        INSERT INTO users (source_id, external_id, imported, imported_hash) VALUES ($source, $id, $imported, $hash)
        ON CONFLICT (source_id, external_id) DO UPDATE SET imported = excluded.imported, imported_hash = excluded.imported_hash
        """;

    public const string DropImported =
        "UPDATE users SET imported = NULL, imported_hash = NULL WHERE source_id = $source AND external_id = $id AND state IS NOT NULL";

    /// <summary>Takes the registry part off a row still at the version planned from (a user re-bound to a new id).</summary>
    public const string Release = """
        UPDATE users SET version = 0, state = NULL, email = NULL, email_key = NULL, user_name = NULL, display_name = NULL,
            given_name = NULL, surname = NULL, department = NULL, title = NULL, mapping = NULL, profile = NULL,
            storage_region = NULL, quota_bytes = NULL, quota_policy = NULL, login_mechanism = NULL, created_at = NULL, updated_at = NULL
        WHERE source_id = $source AND external_id = $id AND version = $expected AND state IS NOT NULL AND imported IS NOT NULL
        """;

    /// <summary>Releasing a row with no imported entry leaves nothing in it: it goes (at the version planned from).</summary>
    public const string DeleteReleased =
        "DELETE FROM users WHERE source_id = $source AND external_id = $id AND version = $expected AND state IS NOT NULL AND imported IS NULL";

    public const string DeleteUnprovisioned = "DELETE FROM users WHERE source_id = $source AND external_id = $id AND state IS NULL";

    /// <summary>
    /// Provisions a user who has no registry row yet (version 0: none, or only an imported entry), with the imported
    /// entry in the same write when $withImported. A row that already has a registry row is left alone: 0 changes.
    /// </summary>
    public const string Create = """
        INSERT INTO users (source_id, external_id, imported, imported_hash, version, state, email, email_key, user_name,
                           display_name, given_name, surname, department, title, mapping, profile, storage_region,
                           quota_bytes, quota_policy, login_mechanism, created_at, updated_at)
        VALUES ($source, $id, $imported, $hash, 1, $state, $email, $emailKey, $userName, $displayName, $givenName, $surname,
                $department, $title, $mapping, $profile, $storageRegion, $quotaBytes, $quotaPolicy, $loginMechanism,
                $createdAt, $updatedAt)
        ON CONFLICT (source_id, external_id) DO UPDATE SET
            imported = CASE WHEN $withImported THEN excluded.imported ELSE users.imported END,
            imported_hash = CASE WHEN $withImported THEN excluded.imported_hash ELSE users.imported_hash END,
            version = 1, state = excluded.state, email = excluded.email, email_key = excluded.email_key,
            user_name = excluded.user_name, display_name = excluded.display_name, given_name = excluded.given_name,
            surname = excluded.surname, department = excluded.department, title = excluded.title,
            mapping = excluded.mapping, profile = excluded.profile, storage_region = excluded.storage_region,
            quota_bytes = excluded.quota_bytes, quota_policy = excluded.quota_policy,
            login_mechanism = excluded.login_mechanism, created_at = excluded.created_at, updated_at = excluded.updated_at
        WHERE users.version = 0
        """;

    /// <summary>
    /// Changes a registry row that is still at the version the plan read ($expected); 0 changes otherwise, and for a
    /// row with no registry part (version 0 is also the version of a user who is only imported). A row whose email
    /// does not change keeps its key: a migrated row that shares its email with an earlier one has none, and must
    /// still take changes.
    /// </summary>
    public const string Update = """
        UPDATE users SET
            imported = CASE WHEN $withImported THEN $imported ELSE imported END,
            imported_hash = CASE WHEN $withImported THEN $hash ELSE imported_hash END,
            version = version + 1, state = $state, email = $email,
            email_key = CASE WHEN email IS $email THEN email_key ELSE $emailKey END, user_name = $userName,
            display_name = $displayName, given_name = $givenName, surname = $surname, department = $department,
            title = $title, mapping = $mapping, profile = $profile, storage_region = $storageRegion,
            quota_bytes = $quotaBytes, quota_policy = $quotaPolicy, login_mechanism = $loginMechanism,
            updated_at = $updatedAt
        WHERE source_id = $source AND external_id = $id AND version = $expected AND state IS NOT NULL
        """;

    /// <summary>The parameters of <see cref="Create"/> and <see cref="Update"/>, by name, in the order they are bound.</summary>
    public static readonly string[] WriteParameters =
    [
        "$source", "$id", "$imported", "$hash", "$state", "$email", "$emailKey", "$userName", "$displayName", "$givenName",
        "$surname", "$department", "$title", "$mapping", "$profile", "$storageRegion", "$quotaBytes", "$quotaPolicy",
        "$loginMechanism", "$createdAt", "$updatedAt", "$withImported", "$expected",
    ];

    /// <summary>The key that makes an email unique among registry rows: as the planner compares them (ordinal, ignoring case).</summary>
    public static string EmailKey(string email) => email.ToUpperInvariant();

    /// <summary>
    /// Columns whose values come from the configuration (mappings, profiles, regions, policies), so few repeat across
    /// all users: their strings are shared rather than made per row.
    /// </summary>
    public sealed class Repeated
    {
        public readonly RepeatedText Mapping = new(), Profile = new(), StorageRegion = new(), QuotaPolicy = new();
        public readonly TextPool Details = new();
    }

    /// <summary>The row the statement is on, starting at <paramref name="first"/> (the column of external_id).</summary>
    public static StoredUser Read(SqliteStatement row, string source, Repeated repeated, int first = 0)
    {
        var id = row.Text(first);
        var imported = row.IsNull(first + 1)
            ? null
            : ImportedRow.Stored(id, row.Utf8(first + 1).ToArray(), unchecked((ulong)row.Integer(first + 2)));
        return new StoredUser(id, imported, row.IsNull(first + 4) ? null : Provisioned(row, source, id, repeated, first));
    }

    /// <summary>
    /// The registry's part of the row (null when the user is not provisioned), for listings that show only that: the
    /// imported entry is left in SQLite's page instead of being copied out for every user.
    /// </summary>
    public static ProvisionedUser? Provisioned(SqliteStatement row, string source, Repeated repeated, int first = 0) =>
        row.IsNull(first + 4) ? null : Provisioned(row, source, row.Text(first), repeated, first);

    /// <summary>The registry's part of a row whose state is set.</summary>
    private static ProvisionedUser Provisioned(SqliteStatement row, string source, string id, Repeated repeated, int first) =>
        new()
        {
            Source = source,
            ExternalId = id,
            Version = row.Integer(first + 3),
            State = ColumnFormat.ParseState(row.Utf8(first + 4)),
            Details = new UserDetails
            {
                Email = row.Text(first + 5),
                UserName = row.Text(first + 6),
                DisplayName = row.Text(first + 7),
                GivenName = repeated.Details.Get(row.Utf8(first + 8)),
                Surname = row.Text(first + 9),
                Department = repeated.Details.Get(row.Utf8(first + 10)),
                Title = repeated.Details.Get(row.Utf8(first + 11)),
            },
            Mapping = repeated.Mapping.Get(row.Utf8(first + 12)),
            Profile = repeated.Profile.Get(row.Utf8(first + 13)),
            StorageRegion = repeated.StorageRegion.Get(row.Utf8(first + 14)),
            QuotaBytes = row.Integer(first + 15),
            QuotaPolicy = row.IsNull(first + 16) ? null : repeated.QuotaPolicy.Get(row.Utf8(first + 16)),
            LoginMechanism = ColumnFormat.ParseLogin(row.Utf8(first + 17)),
            CreatedAt = ColumnFormat.ParseTimestamp(row.Utf8(first + 18)),
            UpdatedAt = ColumnFormat.ParseTimestamp(row.Utf8(first + 19)),
        };
}
