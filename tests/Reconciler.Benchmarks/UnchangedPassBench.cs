using Microsoft.Data.Sqlite;
using Reconciler.Cli.Commands;
using Reconciler.Core.Resources;
using Reconciler.Store.Sqlite;

namespace Reconciler.Benchmarks;

/// <summary>
/// A whole reconcile pass (CSV import, plan, apply, status) over N users that did not change since the last pass,
/// through the same engine `reconciler run` uses. Counts what reached the database file.
/// </summary>
public static class UnchangedPassBench
{
    public static async Task RunAsync(int users, string workDirectory)
    {
        Console.WriteLine($"## Reconcile pass over {users:N0} unchanged users (CSV → plan → apply → status)");
        var folder = Directory.CreateDirectory(Path.Combine(workDirectory, "pass")).FullName;
        var csv = Path.Combine(folder, "users.csv");
        await using (var writer = new StreamWriter(csv))
        {
            await writer.WriteLineAsync("id,userName,email,displayName,givenName,surname,department,title,groups,organizationalUnit,enabled");
            foreach (var u in Workload.Users(users))
            {
                await writer.WriteLineAsync($"{u.Id},{u.UserName},{u.Email},{u.DisplayName},{u.GivenName},{u.Surname},{u.Department},{u.Title},{string.Join(';', u.Groups)},\"{u.OrganizationalUnit}\",true");
            }
        }
        var desired = Workload.Desired() with
        {
            Sources = [new DirectorySource
            {
                Metadata = new ResourceMetadata { Name = Workload.Source, Generation = 1 },
                Spec = new DirectorySourceSpec { Type = DirectorySourceType.Csv, Csv = new CsvSettings { Path = "users.csv" } },
            }],
            Origins = new Dictionary<ResourceKey, ResourceOrigin>
            {
                [new ResourceKey(DirectorySource.KindName, ResourceKey.DefaultNamespace, Workload.Source)] = new(Path.Combine(folder, "sources.yaml"), 1, 1),
            },
        };
        var storePath = Path.Combine(folder, "state.db");
        await using var store = await SqliteStore.OpenAsync(storePath, readOnly: false, CancellationToken.None);
        var engine = CliContext.Engine;

        var firstTime = await Measure.OnceAsync(async () =>
        {
            var first = await engine.PlanAsync(desired, store, false, false, CancellationToken.None);
            await engine.ApplyAsync(first, store, CancellationToken.None);
        });
        Console.WriteLine($"first pass ({users:N0} creates):  {Measure.Seconds(firstTime)}");

        for (var pass = 2; pass <= 3; pass++)
        {
            var before = await Fingerprint(storePath);
            var (planned, written) = (0, -1);
            var time = await Measure.OnceAsync(async () =>
            {
                var next = await engine.PlanAsync(desired, store, false, false, CancellationToken.None);
                planned = next.Plan.Changes.Count;
                written = (await engine.ApplyAsync(next, store, CancellationToken.None)).Result.UsersWritten;
            });
            var after = await Fingerprint(storePath);
            Console.WriteLine($"pass {pass} (nothing changed):   {Measure.Seconds(time)}; changes planned {planned}, users written {written}, " +
                $"database file {(after.DataVersion == before.DataVersion ? "not written" : "WRITTEN")}, " +
                $"WAL bytes {before.WalBytes:N0} → {after.WalBytes:N0}   target: writes nothing");
        }
        Console.WriteLine();
    }

    private sealed record FileFingerprint(long DataVersion, long WalBytes);

    /// <summary>data_version moves when another connection commits; the WAL only grows when pages are written.</summary>
    private static readonly SqliteConnection Observer = new("Pooling=False");

    private static async Task<FileFingerprint> Fingerprint(string path)
    {
        if (Observer.State != System.Data.ConnectionState.Open)
        {
            Observer.ConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
            await Observer.OpenAsync();
        }
        await using var command = Observer.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        var version = (long)(await command.ExecuteScalarAsync())!;
        var wal = path + "-wal";
        return new FileFingerprint(version, File.Exists(wal) ? new FileInfo(wal).Length : 0);
    }
}
