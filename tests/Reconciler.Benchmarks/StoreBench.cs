using Microsoft.Data.Sqlite;
using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Benchmarks;

/// <summary>Apply N creates into SQLite, beside a raw prepared-insert loop of the same rows in the same run.</summary>
public static class StoreBench
{
    public static async Task RunAsync(int users, string workDirectory)
    {
        Console.WriteLine($"## Store: apply {users:N0} creates into SQLite vs a raw prepared-insert loop");
        var desired = Workload.Desired();
        var snapshots = new Dictionary<string, DirectorySnapshot> { [Workload.Source] = Workload.Snapshot(Workload.Users(users)) };
        var plan = ProvisioningPlanner.Plan(desired, snapshots, [], new PlanOptions(Workload.T0));
        var rows = plan.Changes.Select(c => c.After).ToArray();

        var applyTimes = new List<TimeSpan>();
        var rawTimes = new List<TimeSpan>();
        for (var run = 0; run < 5; run++)
        {
            var rawPath = Path.Combine(workDirectory, $"raw-{run}.db");
            rawTimes.Add(await Measure.OnceAsync(() => RawInsertAsync(rawPath, rows)));
            var storePath = Path.Combine(workDirectory, $"store-{run}.db");
            await using var store = await SqliteStore.OpenAsync(storePath, readOnly: false, CancellationToken.None);
            ApplyResult? result = null;
            applyTimes.Add(await Measure.OnceAsync(async () =>
                result = await store.ApplyAsync(plan, new ApplyContext("bench", Workload.T0), CancellationToken.None)));
            if (result!.UsersWritten != users) throw new InvalidOperationException($"expected {users} rows written, got {result.UsersWritten}");
        }
        applyTimes.Sort();
        rawTimes.Sort();
        var apply = applyTimes[2];
        var raw = rawTimes[2];
        Console.WriteLine($"store.ApplyAsync ({users:N0} creates + audit): median {Measure.Seconds(apply)} (best {Measure.Seconds(applyTimes[0])})");
        Console.WriteLine($"raw prepared insert loop:          median {Measure.Seconds(raw)} (best {Measure.Seconds(rawTimes[0])})");
        Console.WriteLine($"ratio apply/raw:                   {apply / raw:0.00}x   target <= 2x");
        Console.WriteLine();
    }

    /// <summary>The reference: the same rows, one transaction, one prepared INSERT into a bare table, WAL, synchronous=NORMAL.</summary>
    private static async Task RawInsertAsync(string path, ProvisionedUser[] rows)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
                CREATE TABLE users (source TEXT NOT NULL, external_id TEXT NOT NULL, user_name TEXT, email TEXT, display_name TEXT,
                  given_name TEXT, surname TEXT, department TEXT, title TEXT, state TEXT, mapping TEXT, profile TEXT,
                  storage_region TEXT, quota_bytes INTEGER, quota_policy TEXT, login_mechanism TEXT, created_at TEXT, updated_at TEXT,
                  PRIMARY KEY (source, external_id));
                """;
            await pragma.ExecuteNonQueryAsync();
        }
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO users VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)";
        var p = new SqliteParameter[18];
        for (var i = 0; i < p.Length; i++) p[i] = insert.Parameters.Add(new SqliteParameter($"${i + 1}", null));
        insert.Prepare();
        foreach (var r in rows)
        {
            p[0].Value = r.Source; p[1].Value = r.ExternalId; p[2].Value = r.UserName; p[3].Value = r.Email;
            p[4].Value = r.Details.DisplayName; p[5].Value = r.Details.GivenName; p[6].Value = r.Details.Surname; p[7].Value = r.Details.Department;
            p[8].Value = r.Details.Title; p[9].Value = r.State.ToString(); p[10].Value = r.Mapping; p[11].Value = r.Profile;
            p[12].Value = r.StorageRegion; p[13].Value = r.QuotaBytes; p[14].Value = (object?)r.QuotaPolicy ?? DBNull.Value;
            p[15].Value = r.LoginMechanism.ToString(); p[16].Value = r.CreatedAt.ToString("O"); p[17].Value = r.UpdatedAt.ToString("O");
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }
}
