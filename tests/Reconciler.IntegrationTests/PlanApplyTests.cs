using System.Text.Json;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>The first plan and apply of config-samples, and the registry they leave.</summary>
public sealed class PlanApplyTests
{
    [Fact]
    public async Task Plan_OnFreshStore_ListsEveryCreate_AndWritesNothing()
    {
        using var workspace = Workspace.FromSamples();

        var result = await workspace.Plan();

        Expect.Exit(2, result);
        var plan = Workspace.ParseJson(result);
        var summary = plan.GetProperty("summary");
        Assert.Equal(Samples.Created, Samples.ExpectedEmails.Count);
        Assert.Equal(Samples.Created, Expect.Int(summary, "create"));
        foreach (var other in new[] { "update", "preserve", "disable", "restore", "blocked" }) Assert.Equal(0, Expect.Int(summary, other));

        var changes = plan.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(Samples.Created, changes.Count);
        Assert.All(changes, c => Assert.Equal("create", Expect.Str(c, "action")));
        Assert.Equal(Samples.ExpectedEmails.OrderBy(e => e), changes.Select(c => Expect.Str(c, "email")).OrderBy(e => e));
        Assert.Equal("executives", Expect.Str(Expect.Only(changes, c => Expect.Str(c, "email") == Samples.Executive, "change of cleo"), "mapping"));
        Assert.Equal("engineering", Expect.Str(Expect.Only(changes, c => Expect.Str(c, "email") == Samples.Engineer, "change of eli"), "mapping"));
        Assert.Equal("research", Expect.Str(Expect.Only(changes, c => Expect.Str(c, "email") == Samples.Researcher, "change of sam"), "mapping"));
        Assert.Equal("everyone-else", Expect.Str(Expect.Only(changes, c => Expect.Str(c, "email") == Samples.Salesperson, "change of zed"), "mapping"));

        Assert.False(File.Exists(workspace.Store), "plan created the store");
        Assert.False(Directory.Exists(Path.Combine(workspace.Root, ".reconciler")), "plan created the default store folder");
    }

    [Fact]
    public async Task Plan_Table_OnFreshStore_ExitsTwoAndSummarises()
    {
        using var workspace = Workspace.FromSamples();

        var result = await workspace.Plan(json: false);

        Expect.Exit(2, result);
        Expect.StdoutLine(result, l => l.Contains(Samples.Executive, StringComparison.Ordinal) && l.Contains("create", StringComparison.Ordinal));
        Expect.StdoutLine(result, l => l.StartsWith("Plan:", StringComparison.Ordinal));
        Assert.False(File.Exists(workspace.Store), "plan created the store");
    }

    [Fact]
    public async Task Apply_ThenPlan_IsEmpty()
    {
        var first = await Baseline.FirstApplyAsync();
        Expect.Exit(0, first);
        using var workspace = await Baseline.CloneAsync();

        var table = await workspace.Plan(json: false);
        var json = await workspace.Plan();

        Expect.Exit(0, table);
        Expect.StdoutLine(table, l => l.StartsWith("No changes", StringComparison.Ordinal));
        Expect.Exit(0, json);
        var summary = Workspace.ParseJson(json).GetProperty("summary");
        foreach (var action in new[] { "create", "update", "preserve", "disable", "restore", "blocked" }) Assert.Equal(0, Expect.Int(summary, action));
        Assert.Empty(Workspace.ParseJson(json).GetProperty("changes").EnumerateArray());
    }

    [Fact]
    public async Task Apply_Twice_WritesNoUserTheSecondTime()
    {
        using var workspace = await Baseline.CloneAsync();

        var again = await workspace.ApplyOk();

        Expect.StdoutLine(again, l => l.StartsWith("Applied 0 change(s)", StringComparison.Ordinal));
        Assert.Equal(Samples.Created, (await workspace.Users()).Count);
    }

    [Fact]
    public async Task UsersList_AfterApply_ShowsWhatTheWinningMappingProvisioned()
    {
        using var workspace = await Baseline.CloneAsync();

        var users = await workspace.Users();

        Assert.Equal(Samples.Created, users.Count);
        Assert.Equal(Samples.ExpectedEmails.OrderBy(e => e), users.Select(u => Expect.Str(u, "email")).OrderBy(e => e));
        foreach (var user in users)
        {
            foreach (var field in new[] { "email", "userName", "state", "source", "mapping", "profile", "storageRegion", "quotaBytes" })
            {
                Assert.True(user.TryGetProperty(field, out _), $"users list item has no {field}: {user}");
            }
            Assert.Equal("Active", Expect.Str(user, "state"));
            Assert.Equal("hr-export", Expect.Str(user, "source"));
        }

        var cleo = Expect.Only(users, u => Expect.Str(u, "email") == Samples.Executive, "cleo");
        Assert.Equal("cmartin", Expect.Str(cleo, "userName"));
        Assert.Equal("executives", Expect.Str(cleo, "mapping"));          // executives (5) beats engineering (10)
        Assert.Equal("laptops-executive", Expect.Str(cleo, "profile"));
        Assert.Equal("us-east", Expect.Str(cleo, "storageRegion"));
        Assert.Equal(Samples.OneTebibyte, cleo.GetProperty("quotaBytes").GetInt64());

        var eli = Expect.Only(users, u => Expect.Str(u, "email") == Samples.Engineer, "eli");
        Assert.Equal("engineering", Expect.Str(eli, "mapping"));
        Assert.Equal("eu-west", Expect.Str(eli, "storageRegion"));
        Assert.Equal(Samples.FiftyGibibytes, eli.GetProperty("quotaBytes").GetInt64());

        var sam = Expect.Only(users, u => Expect.Str(u, "email") == Samples.Researcher, "sam");
        Assert.Equal("research", Expect.Str(sam, "mapping"));
        Assert.Equal(0, sam.GetProperty("quotaBytes").GetInt64());      // research-unlimited

        Assert.Equal(4, users.Count(u => Expect.Str(u, "mapping") == "executives"));
        Assert.Equal(Samples.EngineeringUsers, users.Count(u => Expect.Str(u, "mapping") == "engineering"));
        Assert.DoesNotContain(users, u => Expect.Str(u, "email") == Samples.Contractor);
        Assert.DoesNotContain(users, u => Expect.Str(u, "email") == Samples.Disabled);
    }

    [Fact]
    public async Task UsersList_Preserved_IsEmptyAfterFirstApply()
    {
        using var workspace = await Baseline.CloneAsync();

        var preserved = await workspace.Users("Preserved");
        var table = await workspace.Run("users", "list", "--store", Workspace.StoreFile, "--state", "Preserved");

        Assert.Empty(preserved);
        Expect.Exit(0, table);
        Expect.StdoutLine(table, l => l.StartsWith("0 user(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UsersList_Active_Table_CountsEveryone()
    {
        using var workspace = await Baseline.CloneAsync();

        var table = await workspace.Run("users", "list", "--store", Workspace.StoreFile, "--state", "Active");

        Expect.Exit(0, table);
        Expect.StdoutLine(table, l => l.StartsWith($"{Samples.Created} user(s)", StringComparison.Ordinal));
        Expect.StdoutLine(table, l => l.Contains(Samples.Executive, StringComparison.Ordinal) && l.Contains("1Ti", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UsersList_UnknownState_Fails()
    {
        using var workspace = await Baseline.CloneAsync();

        var result = await workspace.Run("users", "list", "--store", Workspace.StoreFile, "--state", "Deleted");

        Expect.ClearError(result);
        Expect.Mentions("Deleted", result);
    }

    [Fact]
    public async Task Sync_ReconcilesThatSourceNow_LikeApplyWouldForIt()
    {
        using var workspace = Workspace.FromSamples();

        var result = await workspace.Run("sync", "hr-export", "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile);

        Expect.Exit(0, result);
        Expect.StdoutLine(result, l => l.StartsWith("hr-export: 42 change(s) applied", StringComparison.Ordinal));
        Assert.Equal(42, (await workspace.Users()).Count);
        var plan = await workspace.Plan();
        Assert.True(plan.ExitCode == 0, "a plan right after sync is not empty:\n" + plan);
    }

    [Fact]
    public async Task Sync_UnknownSource_Fails()
    {
        using var workspace = Workspace.FromSamples();

        var result = await workspace.Run("sync", "payroll", "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile);

        Expect.ClearError(result);
        Expect.Mentions("payroll", result);
        Assert.False(File.Exists(workspace.Store), "a failed sync created the store");
    }

    [Fact]
    public async Task Apply_WithoutStoreOption_UsesDotReconcilerStateDb()
    {
        using var workspace = Workspace.FromSamples();

        var apply = await workspace.Run("apply", "--config", Workspace.ConfigDir);
        var users = await workspace.Run("users", "list", "--output", "json");
        var plan = await workspace.Run("plan", "--config", Workspace.ConfigDir);

        Expect.Exit(0, apply);
        Assert.True(File.Exists(Path.Combine(workspace.Root, ".reconciler", "state.db")), "apply did not create .reconciler/state.db");
        Expect.Exit(0, users);
        Assert.Equal(Samples.Created, Workspace.ParseJson(users).GetArrayLength());
        Expect.Exit(0, plan);
    }

    internal static JsonElement Summary(CliResult plan) => Workspace.ParseJson(plan).GetProperty("summary");
}
