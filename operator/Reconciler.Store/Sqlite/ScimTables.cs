using Microsoft.Data.Sqlite;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// <c>scim_tokens</c>, <c>scim_resources</c> and <c>scim_members</c>, and a resource write with the imported
/// entries that follow from it, on a connection whose transaction the caller holds. Every statement goes through the
/// connection's <see cref="StatementCache"/>: the store's SCIM writer keeps one connection, so a push prepares none.
/// </summary>
internal static class ScimTables
{
    private const string ResourceSelect = """
        SELECT r.id, r.name_key, r.external_id, r.version, r.created_at, r.updated_at, r.body,
               (SELECT group_concat(m.user_id, char(10)) FROM scim_members m WHERE m.source_id = r.source_id AND m.group_id = r.id)
        FROM scim_resources r JOIN sources s ON s.id = r.source_id
        WHERE s.name = $name AND r.kind = $kind
        """;

    private const string SelectById = ResourceSelect + " AND r.id = $key";
    private const string SelectByName = ResourceSelect + " AND r.name_key = $key";
    private const string SelectAll = ResourceSelect + " ORDER BY r.id";

    private const string UpsertToken = """
        INSERT INTO scim_tokens (source_id, hash, created_at, expires_at) VALUES ($source, $hash, $created, $expires)
        ON CONFLICT (source_id) DO UPDATE SET hash = excluded.hash, created_at = excluded.created_at, expires_at = excluded.expires_at
        """;

    private const string SelectToken =
        "SELECT t.hash, t.created_at, t.expires_at FROM scim_tokens t JOIN sources s ON s.id = t.source_id WHERE s.name = $name";

    private const string SelectGroupsOf = """
        SELECT m.group_id FROM scim_members m JOIN sources s ON s.id = m.source_id WHERE s.name = $name AND m.user_id = $user ORDER BY m.group_id
        """;

    private const string InsertResource = """
        INSERT INTO scim_resources (source_id, kind, id, name_key, external_id, version, created_at, updated_at, body)
        VALUES ($source, $kind, $id, $name, $external, 1, $now, $now, $body)
        """;

    private const string ReplaceResource = """
        UPDATE scim_resources SET name_key = $name, external_id = $external, version = version + 1, updated_at = $now, body = $body
        WHERE source_id = $source AND kind = $kind AND id = $id AND version = $expected
        RETURNING version, created_at
        """;

    private const string DeleteResource = "DELETE FROM scim_resources WHERE source_id = $source AND kind = $kind AND id = $id AND version = $expected";
    private const string SelectVersion = "SELECT version FROM scim_resources WHERE source_id = $source AND kind = $kind AND id = $id";
    private const string DeleteMembers = "DELETE FROM scim_members WHERE source_id = $source AND group_id = $group";
    private const string InsertMember = "INSERT OR IGNORE INTO scim_members (source_id, group_id, user_id) VALUES ($source, $group, $user)";
    private const string LeaveGroups = "DELETE FROM scim_members WHERE source_id = $source AND user_id = $id";
    private const string SelectImported = "SELECT imported IS NOT NULL FROM users WHERE source_id = $source AND external_id = $id";
    private const string CountImportedBy = "UPDATE sources SET imported_users = max(0, imported_users + $by) WHERE id = $source";

    public static void SaveToken(StatementCache db, long sourceId, ScimToken token)
    {
        var upsert = db[UpsertToken];
        upsert.Bind("$source", sourceId);
        upsert.BindBlob(upsert.Parameter("$hash"), token.Hash);
        upsert.Bind("$created", ColumnFormat.Timestamp(token.CreatedAt));
        upsert.Bind("$expires", ColumnFormat.Timestamp(token.ExpiresAt));
        upsert.Execute();
    }

    public static ScimToken? FindToken(StatementCache db, string source)
    {
        var select = db[SelectToken];
        select.Bind("$name", source);
        if (!select.Read()) return null;
        var token = new ScimToken(source, select.Blob(0), ColumnFormat.ParseTimestamp(select.Text(1)), ColumnFormat.ParseTimestamp(select.Text(2)));
        select.Reset();
        return token;
    }

    public static StoredScimResource? Get(StatementCache db, string source, ScimKind kind, string id) => One(db[SelectById], source, kind, id);

    public static StoredScimResource? FindByName(StatementCache db, string source, ScimKind kind, string name) =>
        One(db[SelectByName], source, kind, NameKey(name));

    /// <summary>Every resource of a kind in id order, on a statement of its own (the caller may look others up meanwhile).</summary>
    public static IEnumerable<StoredScimResource> List(SqliteConnection connection, string source, ScimKind kind)
    {
        using var select = new SqliteStatement(connection, SelectAll);
        select.Bind("$name", source);
        select.Bind("$kind", kind.ToString());
        while (select.Read()) yield return Resource(select, source, kind);
    }

    public static IReadOnlyList<string> GroupsOf(StatementCache db, string source, string userId)
    {
        var select = db[SelectGroupsOf];
        select.Bind("$name", source);
        select.Bind("$user", userId);
        var groups = new List<string>();
        while (select.Read()) groups.Add(select.Text(0));
        return groups;
    }

    /// <summary>The key names are unique by: upper-cased, as SCIM compares userName (caseExact false).</summary>
    public static string NameKey(string name) => name.ToUpperInvariant();

    /// <summary>
    /// Writes the resource, its members and the imported entries it changes; throws when the compare-and-swap fails.
    /// Gives back the resource as stored (null for a deletion), made from what was written rather than read again,
    /// and by how much the source's count of imported users moved, for the caller to add once per batch.
    /// </summary>
    public static (StoredScimResource? Stored, int Imported) Write(StatementCache db, long sourceId, ScimWrite write)
    {
        StoredScimResource? stored = null;
        if (write.ExpectedVersion is null)
        {
            var body = write.Resource ?? throw new ArgumentException("a create needs a resource", nameof(write));
            Execute(db[InsertResource], sourceId, write, body);
            stored = Stored(write, body, 1, write.Now);
        }
        else if (write.Resource is { } body)
        {
            var replace = db[ReplaceResource];
            if (!Run(replace, sourceId, write, body)) throw Missed(db, sourceId, write);
            stored = Stored(write, body, replace.Integer(0), ColumnFormat.ParseTimestamp(replace.Text(1)));
            replace.Reset();
        }
        else if (Execute(db[DeleteResource], sourceId, write, null) == 0)
        {
            throw Missed(db, sourceId, write);
        }
        if (write.Kind == ScimKind.Group) ReplaceMembers(db, sourceId, write.Id, write.Resource?.Members ?? []);
        if (write.Kind == ScimKind.User && write.Resource is null)
        {
            var leave = db[LeaveGroups];
            leave.Bind("$source", sourceId);
            leave.Bind("$id", write.Id);
            leave.Execute();
        }
        var imported = 0;
        foreach (var row in write.Imported) imported += PutImported(db, sourceId, row);
        foreach (var id in write.Removed) imported += RemoveImported(db, sourceId, id);
        return (stored, imported);
    }

    /// <summary>Moves a source's count of imported users.</summary>
    public static void CountImported(StatementCache db, long sourceId, int by)
    {
        if (by == 0) return;
        var update = db[CountImportedBy];
        update.Bind("$by", by);
        update.Bind("$source", sourceId);
        update.Execute();
    }

    private static StoredScimResource Stored(ScimWrite write, ScimResourceBody body, long version, DateTimeOffset createdAt) =>
        new(write.Source, write.Kind, write.Id, NameKey(body.Name), body.ExternalId, version, createdAt, write.Now, body.Json,
            write.Kind == ScimKind.Group ? body.Members : []);

    private static StoredScimResource? One(SqliteStatement select, string source, ScimKind kind, string key)
    {
        select.Bind("$name", source);
        select.Bind("$kind", kind.ToString());
        select.Bind("$key", key);
        if (!select.Read()) return null;
        var resource = Resource(select, source, kind);
        select.Reset();
        return resource;
    }

    private static StoredScimResource Resource(SqliteStatement row, string source, ScimKind kind) =>
        new(source, kind, row.Text(0), row.Text(1), row.IsNull(2) ? null : row.Text(2), row.Integer(3),
            ColumnFormat.ParseTimestamp(row.Text(4)), ColumnFormat.ParseTimestamp(row.Text(5)), row.Text(6),
            row.IsNull(7) ? [] : row.Text(7).Split('\n'));

    /// <summary>Runs a resource write with RETURNING: true with its one row to read, false when it changed no row.</summary>
    private static bool Run(SqliteStatement command, long sourceId, ScimWrite write, ScimResourceBody? body)
    {
        Bind(command, sourceId, write, body);
        return Refusing(write, body, command.Read);
    }

    /// <summary>Runs a resource write: how many rows it changed.</summary>
    private static int Execute(SqliteStatement command, long sourceId, ScimWrite write, ScimResourceBody? body)
    {
        Bind(command, sourceId, write, body);
        return Refusing(write, body, command.Execute);
    }

    /// <summary>Binds the parameters the statement has of a resource write.</summary>
    private static void Bind(SqliteStatement command, long sourceId, ScimWrite write, ScimResourceBody? body)
    {
        var kind = write.Kind.ToString();
        command.Bind("$source", sourceId);
        command.Bind("$kind", kind);
        command.Bind("$id", write.Id);
        if (command.IndexOf("$now") > 0) command.Bind("$now", ColumnFormat.Timestamp(write.Now));
        if (body is not null)
        {
            command.Bind("$name", NameKey(body.Name));
            command.Bind("$external", body.ExternalId);
            command.Bind("$body", body.Json);
        }
        if (write.ExpectedVersion is { } version) command.Bind("$expected", version);
    }

    /// <summary>Runs a write; a taken name or id is a conflict.</summary>
    private static T Refusing<T>(ScimWrite write, ScimResourceBody? body, Func<T> run)
    {
        var kind = write.Kind.ToString();
        try
        {
            return run();
        }
        catch (SqliteException e) when (StoreErrors.IsUniqueTaken(e) || StoreErrors.IsPrimaryKeyTaken(e))
        {
            // The resources' one unique index is on the name; their key is the id.
            var what = write.Kind == ScimKind.User ? "userName" : "displayName";
            throw new ScimConflictException(StoreErrors.IsUniqueTaken(e)
                ? $"a {kind} with the {what} '{body?.Name}' already exists"
                : $"a {kind} with the id '{write.Id}' already exists", versionMismatch: false);
        }
    }

    /// <summary>Why a replace or delete changed no row: the resource is gone, or at another version.</summary>
    private static StoreException Missed(StatementCache db, long sourceId, ScimWrite write)
    {
        var select = db[SelectVersion];
        select.Bind("$source", sourceId);
        select.Bind("$kind", write.Kind.ToString());
        select.Bind("$id", write.Id);
        if (!select.Read()) return new ScimNotFoundException($"{write.Kind} {write.Id} not found");
        var version = select.Integer(0);
        select.Reset();
        return new ScimConflictException($"{write.Kind} {write.Id} is at version {version}, not {write.ExpectedVersion}", versionMismatch: true);
    }

    private static void ReplaceMembers(StatementCache db, long sourceId, string groupId, IReadOnlyList<string> members)
    {
        var delete = db[DeleteMembers];
        delete.Bind("$source", sourceId);
        delete.Bind("$group", groupId);
        delete.Execute();
        var insert = db[InsertMember];
        insert.Bind("$source", sourceId);
        insert.Bind("$group", groupId);
        var user = insert.Parameter("$user");
        foreach (var member in members)
        {
            insert.Bind(user, member);
            insert.Execute();
        }
    }

    /// <summary>Stores an imported entry and marks it for the next plan; 1 when it is new to the snapshot.</summary>
    private static int PutImported(StatementCache db, long sourceId, ImportedRow row)
    {
        var wasImported = HasImported(db, sourceId, row.Id);
        var put = db[UsersTable.PutImported];
        put.Bind("$source", sourceId);
        put.Bind("$id", row.Id);
        put.BindBlob(put.Parameter("$imported"), row.Data.Span);
        put.Bind("$hash", unchecked((long)row.Fingerprint));
        put.Execute();
        PendingTable.MarkWritten(db, sourceId, row.Id);
        return wasImported ? 0 : 1;
    }

    /// <summary>Drops an imported entry and marks it for the next plan; -1 when there was one.</summary>
    private static int RemoveImported(StatementCache db, long sourceId, string id)
    {
        if (!HasImported(db, sourceId, id)) return 0;
        foreach (var sql in new[] { UsersTable.DropImported, UsersTable.DeleteUnprovisioned })
        {
            var command = db[sql];
            command.Bind("$source", sourceId);
            command.Bind("$id", id);
            command.Execute();
        }
        PendingTable.MarkWritten(db, sourceId, id);
        return -1;
    }

    private static bool HasImported(StatementCache db, long sourceId, string id)
    {
        var select = db[SelectImported];
        select.Bind("$source", sourceId);
        select.Bind("$id", id);
        if (!select.Read()) return false;
        var imported = select.Integer(0) == 1;
        select.Reset();
        return imported;
    }
}
