using Microsoft.Data.Sqlite;
using Reconciler.Core.Directory;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>The last snapshot read from each source: one row in <c>sources</c>, its users in <c>imported_users</c>.</summary>
internal static class SnapshotTable
{
    private const string InsertUser = """
        INSERT INTO imported_users (source, external_id, position, user_name, email, display_name, given_name, surname,
                                    department, title, groups, organizational_unit, enabled, attributes)
        VALUES ($source, $id, $position, $userName, $email, $displayName, $givenName, $surname,
                $department, $title, $groups, $ou, $enabled, $attributes)
        """;

    private const string UpsertSource = """
        INSERT INTO sources (name, cursor, complete, failed, problems, read_at, duration_ms, users_seen, groups_seen, content_hash)
        VALUES ($name, $cursor, $complete, $failed, $problems, $readAt, $durationMs, $usersSeen, $groupsSeen, $hash)
        ON CONFLICT (name) DO UPDATE SET
            cursor = excluded.cursor, complete = excluded.complete, failed = excluded.failed,
            problems = excluded.problems, read_at = excluded.read_at, duration_ms = excluded.duration_ms,
            users_seen = excluded.users_seen, groups_seen = excluded.groups_seen, content_hash = excluded.content_hash
        """;

    private const string SelectUsers = """
        SELECT external_id, user_name, email, display_name, given_name, surname, department, title,
               groups, organizational_unit, enabled, attributes
        FROM imported_users WHERE source = $source ORDER BY position
        """;

    /// <returns>False, having written nothing, when the stored snapshot already says the same.</returns>
    public static bool Save(SqliteConnection connection, DirectorySnapshot snapshot, CancellationToken cancellationToken)
    {
        var hash = SnapshotHash.Compute(snapshot);
        using (var stored = connection.CreateCommand())
        {
            stored.CommandText = "SELECT content_hash FROM sources WHERE name = $name";
            stored.Parameters.AddWithValue("$name", snapshot.Source);
            if (stored.ExecuteScalar() as string == hash) return false;
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM imported_users WHERE source = $source";
            delete.Parameters.AddWithValue("$source", snapshot.Source);
            delete.ExecuteNonQuery();
        }
        InsertUsers(connection, snapshot, cancellationToken);

        var json = new JsonColumns();
        using (var source = connection.CreateCommand())
        {
            source.CommandText = UpsertSource;
            var p = source.Parameters;
            p.AddWithValue("$name", snapshot.Source);
            p.AddWithValue("$cursor", (object?)snapshot.Cursor ?? DBNull.Value);
            p.AddWithValue("$complete", snapshot.Complete);
            p.AddWithValue("$failed", snapshot.Failed);
            p.AddWithValue("$problems", json.Array(snapshot.Problems));
            p.AddWithValue("$readAt", ColumnFormat.Timestamp(snapshot.ReadAt));
            p.AddWithValue("$durationMs", (long)snapshot.Duration.TotalMilliseconds);
            p.AddWithValue("$usersSeen", snapshot.Users.Count);
            p.AddWithValue("$groupsSeen", snapshot.GroupsSeen);
            p.AddWithValue("$hash", hash);
            source.ExecuteNonQuery();
        }
        transaction.Commit();
        return true;
    }

    public static DirectorySnapshot? Load(SqliteConnection connection, string source, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        using var header = connection.CreateCommand();
        header.CommandText = """
            SELECT cursor, complete, failed, problems, read_at, duration_ms, users_seen, groups_seen
            FROM sources WHERE name = $name
            """;
        header.Parameters.AddWithValue("$name", source);
        using var row = header.ExecuteReader();
        if (!row.Read()) return null;

        var users = new List<ImportedUser>(row.GetInt32(6));
        using var select = new SqliteStatement(connection, SelectUsers);
        select.Bind(select.Parameter("$source"), source);
        while (select.Read())
        {
            if (users.Count % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
            users.Add(new ImportedUser
            {
                Id = select.Text(0),
                Details = new UserDetails
                {
                    UserName = select.Text(1),
                    Email = select.Text(2),
                    DisplayName = select.Text(3),
                    GivenName = select.Text(4),
                    Surname = select.Text(5),
                    Department = select.Text(6),
                    Title = select.Text(7),
                },
                Groups = JsonColumns.ParseArray(select.Utf8(8)),
                OrganizationalUnit = select.Text(9),
                Enabled = select.Integer(10) != 0,
                Attributes = select.IsNull(11) ? null : JsonColumns.ParseMap(select.Utf8(11)),
            });
        }

        return new DirectorySnapshot
        {
            Source = source,
            Cursor = row.IsDBNull(0) ? null : row.GetString(0),
            Complete = row.GetBoolean(1),
            Failed = row.GetBoolean(2),
            Problems = JsonColumns.ParseArray(row.GetString(3)),
            ReadAt = ColumnFormat.ParseTimestamp(row.GetString(4)),
            Duration = TimeSpan.FromMilliseconds(row.GetInt64(5)),
            GroupsSeen = row.GetInt32(7),
            Users = users,
        };
    }

    private static void InsertUsers(SqliteConnection connection, DirectorySnapshot snapshot, CancellationToken cancellationToken)
    {
        using var insert = new SqliteStatement(connection, InsertUser).Expect(
            "$source", "$id", "$position", "$userName", "$email", "$displayName", "$givenName", "$surname",
            "$department", "$title", "$groups", "$ou", "$enabled", "$attributes");
        insert.Bind(1, snapshot.Source);
        var json = new JsonColumns();
        var users = snapshot.Users;
        for (var i = 0; i < users.Count; i++)
        {
            if (i % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
            var user = users[i];
            insert.Bind(2, user.Id);
            insert.Bind(3, (long)i);
            insert.Bind(4, user.Details.UserName);
            insert.Bind(5, user.Details.Email);
            insert.Bind(6, user.Details.DisplayName);
            insert.Bind(7, user.Details.GivenName);
            insert.Bind(8, user.Details.Surname);
            insert.Bind(9, user.Details.Department);
            insert.Bind(10, user.Details.Title);
            insert.BindUtf8(11, json.ArrayUtf8(user.Groups));
            insert.Bind(12, user.OrganizationalUnit);
            insert.Bind(13, user.Enabled);
            if (user.Attributes is null) insert.Bind(14, (string?)null);
            else insert.BindUtf8(14, json.MapUtf8(user.Attributes));
            try
            {
                insert.Execute();
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 19)
            {
                throw new StoreException($"the snapshot of source {snapshot.Source} lists user id '{user.Id}' twice; nothing was saved", e);
            }
        }
    }
}
