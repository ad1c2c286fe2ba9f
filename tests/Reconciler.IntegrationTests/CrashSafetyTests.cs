using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>
/// `kill -9` at random moments, many times: the store always opens and passes SQLite's integrity check, holds a
/// reconcile whole or not at all (never a snapshot or cursor ahead of the registry), and the next pass completes.
/// </summary>
public sealed class CrashSafetyTests
{
    private const int Users = 20_000;

    [Fact]
    public async Task Apply_KilledAtRandomMoments_LeavesTheStoreWholeOrUntouched_AndTheNextApplyCompletes()
    {
        using var workspace = Workspace.FromSamples();
        WriteUsers(workspace, Users);
        var random = new Random(20261201);
        // How long an apply of this size takes here, so the kills land inside one, wherever this runs.
        var timer = Stopwatch.StartNew();
        Expect.Exit(0, await workspace.Apply());
        var takes = timer.Elapsed;
        var expected = Check(workspace, 0);
        var killed = 0;
        var round = 0;
        // Eight kills inside an apply, in at most 16 rounds: an apply that finished before its kill (the machine was
        // faster than when it was timed) makes the next delays shorter instead of proving nothing.
        while (killed < 8 && round < 16)
        {
            round++;
            // Each round changes the directory so that every apply has work to do: a new department for everyone.
            WriteUsers(workspace, Users, department: $"Dept-{round}");
            var delay = takes * (0.05 + 0.9 * random.NextDouble());
            var started = Stopwatch.StartNew();
            if (await KillAfterAsync(workspace, ["apply", "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile], delay)) killed++;
            else takes = started.Elapsed < takes ? started.Elapsed : takes;
            expected = Check(workspace, round);
        }
        Assert.True(killed >= 5, $"only {killed} of {round} applies were killed before they finished: the test proved little");

        var apply = await workspace.Apply();
        Expect.Exit(0, apply);
        var plan = await workspace.Plan();
        Assert.True(plan.ExitCode == 0, "a plan after the completing apply is not empty:\n" + plan);
        Assert.True(expected is -1 or Users, $"store held {expected} users");
        Assert.Equal(Users, (await workspace.Users()).Count);
    }

    [Fact]
    public async Task Run_KilledDuringItsPasses_ResumesOnRestart()
    {
        using var workspace = Workspace.FromSamples();
        WriteUsers(workspace, Users);
        var random = new Random(7);
        for (var round = 0; round < 5; round++)
        {
            WriteUsers(workspace, Users, department: $"Dept-{round}");
            await KillAfterAsync(workspace, ["run", "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile, "--listen", "http://127.0.0.1:0"],
                TimeSpan.FromMilliseconds(random.Next(500, 8000)));
            Check(workspace, round);
        }

        await using var run = await RunningReconciler.StartAsync(workspace, TimeSpan.FromSeconds(120));
        Assert.Equal(Users, (await workspace.Users()).Count);
        var plan = await workspace.Plan();
        Assert.True(plan.ExitCode == 0, "a plan after run resumed is not empty:\n" + plan);
    }

    /// <summary>Starts the program and kills it (SIGKILL) after the delay, unless it finished first.</summary>
    /// <returns>True when it was killed.</returns>
    private static async Task<bool> KillAfterAsync(Workspace workspace, string[] args, TimeSpan delay)
    {
        using var process = Process.Start(Support.Cli.StartInfo(workspace.Root, args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var killed = false;
        if (!process.WaitForExit(delay))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            killed = true;
        }
        await Task.WhenAll(stdout, stderr);
        return killed;
    }

    /// <summary>
    /// What a store must be after any crash: intact, and each committed reconcile whole. Returns the users it holds
    /// (-1 when no reconcile committed yet).
    /// </summary>
    private static int Check(Workspace workspace, int round)
    {
        if (!File.Exists(workspace.Store)) return -1;
        using var connection = new SqliteConnection($"Data Source={workspace.Store};Pooling=false");
        connection.Open();
        Assert.Equal("ok", Scalar<string>(connection, "PRAGMA integrity_check"));
        if (Scalar<long>(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'users'") == 0) return -1;

        var registry = Scalar<long>(connection, "SELECT count(*) FROM users WHERE state IS NOT NULL");
        var imported = Scalar<long>(connection, "SELECT count(*) FROM users WHERE imported IS NOT NULL");
        var creates = Scalar<long>(connection, "SELECT count(*) FROM audit WHERE action = 'create'");
        var cursor = Scalar<string?>(connection, "SELECT cursor FROM sources WHERE name = 'hr-export'");
        var counted = Scalar<long?>(connection, "SELECT active + preserved + disabled FROM sources WHERE name = 'hr-export'") ?? 0;
        var context = $"round {round}: registry {registry}, imported {imported}, creates {creates}, cursor {cursor ?? "(none)"}";
        // The first reconcile that commits imports and provisions everyone at once; none commits half.
        Assert.True(registry is 0 or Users, context);
        Assert.True(imported is 0 or Users + 8, context);
        Assert.Equal(registry, creates);
        Assert.Equal(registry, counted);
        // A cursor is stored only by a commit that also stored the snapshot and the registry it describes.
        if (cursor is not null) Assert.True(registry == Users && imported == Users + 8, context);
        if (registry > 0)
        {
            // Every user was updated to one round's department or another, never to a mix within one commit's batch.
            var departments = Scalar<long>(connection, "SELECT count(DISTINCT department) FROM users WHERE state IS NOT NULL AND external_id LIKE 'x%'");
            Assert.True(departments == 1, $"{context}: {departments} departments, so a reconcile was applied in part");
        }
        return (int)registry;
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default! : (T)value;
    }

    /// <summary>The sample export with <paramref name="count"/> generated users instead of the sample ones.</summary>
    internal static void WriteUsers(Workspace workspace, int count, string department = "Sales")
    {
        var csv = new StringBuilder("id,userName,email,displayName,givenName,surname,department,title,groups,organizationalUnit,enabled\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append($"x{i:D6},user{i},user{i}@example.com,User {i},User,N{i},{department},Engineer,all-staff,\"ou=people,dc=example,dc=com\",true\n");
        }
        // Eight disabled users who are never imported: the imported snapshot still holds them.
        for (var i = 0; i < 8; i++) csv.Append($"z{i},gone{i},gone{i}@example.com,Gone {i},Gone,N{i},Sales,Engineer,all-staff,\"ou=people,dc=example,dc=com\",false\n");
        File.WriteAllText(workspace.UsersCsv, csv.ToString());
    }
}
