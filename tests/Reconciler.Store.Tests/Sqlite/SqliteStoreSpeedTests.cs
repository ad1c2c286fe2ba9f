using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Reconciler.Store.Sqlite;
using Xunit.Abstractions;

namespace Reconciler.Store.Tests.Sqlite;

/// <summary>Prints figures for a reader to compare; asserts only that the work was done, never how fast.</summary>
public sealed class SqliteStoreSpeedTests(ITestOutputHelper output) : IDisposable
{
    private const int Users = 100_000;
    private readonly StoreFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Apply100kCreates_ComparedWithABarePreparedInsertLoop()
    {
        var plan = Sample.Creates(Users);
        var rows = plan.Changes.Select(c => c.After).ToList();
        var bare = BareInsert(rows);

        await using var store = await folder.OpenAsync();
        var watch = Stopwatch.StartNew();
        var result = await store.ApplyAsync(plan, Sample.Context(), default);
        var apply = watch.Elapsed;

        watch.Restart();
        var again = await store.ApplyAsync(plan, Sample.Context(), default);
        var reapply = watch.Elapsed;

        watch.Restart();
        var registry = await store.LoadRegistryAsync(default);
        var load = watch.Elapsed;

        var snapshot = Sample.Snapshot(Users);
        watch.Restart();
        await store.SaveSnapshotAsync(snapshot, default);
        var save = watch.Elapsed;
        watch.Restart();
        var unchanged = await store.SaveSnapshotAsync(snapshot, default);
        var resave = watch.Elapsed;

        output.WriteLine($"bare insert loop, {Users:N0} rows: {bare.TotalMilliseconds:F0} ms");
        output.WriteLine($"apply {Users:N0} creates (upsert + audit): {apply.TotalMilliseconds:F0} ms = {apply / bare:F2} x bare");
        output.WriteLine($"apply the same plan again: {reapply.TotalMilliseconds:F0} ms");
        output.WriteLine($"load registry: {load.TotalMilliseconds:F0} ms");
        output.WriteLine($"save snapshot: {save.TotalMilliseconds:F0} ms; unchanged again: {resave.TotalMilliseconds:F0} ms");
        Assert.Equal(Users, result.UsersWritten);
        Assert.Equal(0, again.UsersWritten);
        Assert.Equal(Users, registry.Count);
        Assert.False(unchanged);
    }

    /// <summary>The same rows into a table with the same columns and no keys, indexes or audit.</summary>
    private TimeSpan BareInsert(IReadOnlyList<Reconciler.Core.Registry.ProvisionedUser> rows)
    {
        using var connection = folder.Connect(Path.Combine(folder.Root, "bare.db"));
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                CREATE TABLE users (source, external_id, user_name, email, display_name, given_name, surname, department,
                    title, state, mapping, profile, storage_region, quota_bytes, quota_policy, login_mechanism, created_at, updated_at);
                """;
            setup.ExecuteNonQuery();
        }
        var watch = Stopwatch.StartNew();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO users VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)";
        var p = Enumerable.Range(1, 18).Select(i => insert.Parameters.Add("$" + i, SqliteType.Text)).ToArray();
        insert.Prepare();
        var now = Sample.Now.UtcDateTime.ToString("O");
        foreach (var u in rows)
        {
            p[0].Value = u.Source; p[1].Value = u.ExternalId; p[2].Value = u.UserName; p[3].Value = u.Email;
            p[4].Value = u.Details.DisplayName; p[5].Value = u.Details.GivenName; p[6].Value = u.Details.Surname; p[7].Value = u.Details.Department;
            p[8].Value = u.Details.Title; p[9].Value = "Active"; p[10].Value = u.Mapping; p[11].Value = u.Profile;
            p[12].Value = u.StorageRegion; p[13].Value = u.QuotaBytes; p[14].Value = (object?)u.QuotaPolicy ?? DBNull.Value;
            p[15].Value = "SingleSignOn"; p[16].Value = now; p[17].Value = now;
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
        return watch.Elapsed;
    }
}
