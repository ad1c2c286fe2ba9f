using Reconciler.Core.Directory;
using Microsoft.Data.Sqlite;
using Reconciler.Core.Registry;

namespace Reconciler.Store.Sqlite;

/// <summary>Reads the registry (<c>users</c>): column by ordinal, one record per row and nothing else.</summary>
internal static class RegistryTable
{
    /// <summary>The columns of <c>users</c> in the order <see cref="Read"/> expects them.</summary>
    public const string Columns = """
        source, external_id, user_name, email, display_name, given_name, surname, department, title,
        state, mapping, profile, storage_region, quota_bytes, quota_policy, login_mechanism, created_at, updated_at
        """;

    /// <summary>
    /// Users in <paramref name="state"/> (null: all). Ordered by source, then email, when <paramref name="ordered"/>;
    /// otherwise in storage order, which is fastest.
    /// </summary>
    public static IReadOnlyList<ProvisionedUser> Load(
        SqliteConnection connection, UserState? state, bool ordered, CancellationToken cancellationToken)
    {
        var where = state is null ? "" : " WHERE state = $state";
        var order = ordered ? " ORDER BY source, email, external_id" : "";

        // One read transaction, so the count sizing the list and the rows come from the same state of the file.
        using var transaction = connection.BeginTransaction(deferred: true);
        using var count = new SqliteStatement(connection, "SELECT count(*) FROM users" + where);
        using var select = new SqliteStatement(connection, $"SELECT {Columns} FROM users{where}{order}");
        if (state is { } s)
        {
            count.Bind(count.Parameter("$state"), ColumnFormat.State(s));
            select.Bind(select.Parameter("$state"), ColumnFormat.State(s));
        }
        count.Read();
        var users = new List<ProvisionedUser>((int)count.Integer(0));
        var repeated = new Repeated();
        while (select.Read())
        {
            if (users.Count % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
            users.Add(Read(select, repeated));
        }
        return users;
    }

    public static IReadOnlyDictionary<UserState, int> CountByState(SqliteConnection connection)
    {
        using var select = new SqliteStatement(connection, "SELECT state, count(*) FROM users GROUP BY state");
        var counts = Enum.GetValues<UserState>().ToDictionary(s => s, _ => 0);
        while (select.Read()) counts[ColumnFormat.ParseState(select.Utf8(0))] = (int)select.Integer(1);
        return counts;
    }

    /// <summary>
    /// Columns whose values come from the configuration (sources, mappings, policies), so few repeat across
    /// all users: their strings are shared rather than made per row.
    /// </summary>
    private sealed class Repeated
    {
        public readonly RepeatedText Source = new(), Mapping = new(), Profile = new(), StorageRegion = new(),
            QuotaPolicy = new();
    }

    private static ProvisionedUser Read(SqliteStatement row, Repeated repeated) => new()
    {
        Source = repeated.Source.Get(row.Utf8(0)),
        ExternalId = row.Text(1),
        Details = new UserDetails
        {
            UserName = row.Text(2),
            Email = row.Text(3),
            DisplayName = row.Text(4),
            GivenName = row.Text(5),
            Surname = row.Text(6),
            Department = row.Text(7),
            Title = row.Text(8),
        },
        State = ColumnFormat.ParseState(row.Utf8(9)),
        Mapping = repeated.Mapping.Get(row.Utf8(10)),
        Profile = repeated.Profile.Get(row.Utf8(11)),
        StorageRegion = repeated.StorageRegion.Get(row.Utf8(12)),
        QuotaBytes = row.Integer(13),
        QuotaPolicy = row.IsNull(14) ? null : repeated.QuotaPolicy.Get(row.Utf8(14)),
        LoginMechanism = ColumnFormat.ParseLogin(row.Utf8(15)),
        CreatedAt = ColumnFormat.ParseTimestamp(row.Utf8(16)),
        UpdatedAt = ColumnFormat.ParseTimestamp(row.Utf8(17)),
    };
}
