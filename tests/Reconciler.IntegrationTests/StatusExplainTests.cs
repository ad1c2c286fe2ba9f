using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>`status` (from the store alone) and `explain USER`.</summary>
public sealed class StatusExplainTests
{
    private static readonly (string Kind, string Name)[] SampleResources =
    [
        ("DirectorySource", "hr-export"),
        ("ProvisioningMapping", "executives"),
        ("ProvisioningMapping", "engineering"),
        ("ProvisioningMapping", "research"),
        ("ProvisioningMapping", "contractors"),
        ("ProvisioningMapping", "everyone-else"),
        ("StorageQuotaPolicy", "standard-50g"),
        ("StorageQuotaPolicy", "executive-1t"),
        ("StorageQuotaPolicy", "research-unlimited"),
    ];

    [Fact]
    public async Task Status_AfterApply_ShowsEveryResourceReady()
    {
        using var workspace = await Baseline.CloneAsync();

        var result = await workspace.Run("status", "--store", Workspace.StoreFile);

        Expect.Exit(0, result);
        var rows = result.StdoutLines
            .Where(l => l.StartsWith('|'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries).Skip(1).ToArray())
            .Where(cells => cells.Length >= 3)
            .ToList();
        foreach (var (kind, name) in SampleResources)
        {
            var row = rows.FirstOrDefault(c => c[0] == kind && c[1] == name);
            Assert.True(row is not null, $"status has no row for {kind} {name}:\n{result}");
            Assert.True(row[2] == "True", $"{kind} {name} is not Ready True:\n{result}");
        }
        Expect.StdoutLine(result, l => l.StartsWith("Users:", StringComparison.Ordinal) && l.Contains($"{Samples.Created} active", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_Json_HasConditionsOfEveryResource()
    {
        using var workspace = await Baseline.CloneAsync();

        var result = await workspace.Run("status", "--store", Workspace.StoreFile, "--output", "json");

        Expect.Exit(0, result);
        var document = Workspace.ParseJson(result);
        var resources = document.GetProperty("resources").EnumerateArray().ToList();
        foreach (var (kind, name) in SampleResources)
        {
            var resource = Expect.Only(resources, r => Expect.Str(r, "kind") == kind && Expect.Str(r, "name") == name, $"{kind} {name}");
            var conditions = resource.GetProperty("status").GetProperty("conditions").EnumerateArray().ToList();
            var ready = Expect.Only(conditions, c => Expect.Str(c, "type") == "Ready", $"Ready condition of {name}");
            Assert.Equal("True", Expect.Str(ready, "status"));
        }
        Assert.Equal(Samples.Created, document.GetProperty("users").GetProperty("active").GetInt32());
    }

    [Fact]
    public async Task Status_OnMissingStore_FailsAndCreatesNothing()
    {
        using var workspace = Workspace.Empty();

        var result = await workspace.Run("status", "--store", "nothing-here.db");

        Expect.ClearError(result);
        Expect.Mentions("nothing-here.db", result);
        Assert.False(File.Exists(Path.Combine(workspace.Root, "nothing-here.db")), "status created a store");
    }

    [Fact]
    public async Task UsersList_OnMissingStore_FailsAndCreatesNothing()
    {
        using var workspace = Workspace.Empty();

        var result = await workspace.Run("users", "list", "--store", "nothing-here.db");

        Expect.ClearError(result);
        Assert.False(File.Exists(Path.Combine(workspace.Root, "nothing-here.db")), "users list created a store");
    }

    [Fact]
    public async Task Explain_Executive_WinsOverEngineeringOnPriority()
    {
        using var workspace = await Baseline.CloneAsync();

        var result = await workspace.Run("explain", Samples.Executive, "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile);

        Expect.Exit(0, result);
        Expect.StdoutLine(result, l => l.Contains(Samples.Executive, StringComparison.Ordinal) && l.Contains("cmartin", StringComparison.Ordinal));
        Expect.StdoutLine(result, l => l.Contains("registry: Active", StringComparison.Ordinal) && l.Contains("mapping executives", StringComparison.Ordinal));
        Expect.StdoutLine(result, l => l.Contains("executives", StringComparison.Ordinal) && l.Contains("wins", StringComparison.Ordinal)
            && !l.Contains("loses", StringComparison.Ordinal));
        Expect.StdoutLine(result, l => l.Contains("engineering", StringComparison.Ordinal) && l.Contains("loses on priority", StringComparison.Ordinal));
        Expect.StdoutLine(result, l => l.Contains("research", StringComparison.Ordinal) && l.Contains("no match", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cleo.martin@example.com")]
    [InlineData("cmartin")]
    [InlineData("u0003")]
    public async Task Explain_FindsAUserByEmailUserNameOrId(string query)
    {
        using var workspace = await Baseline.CloneAsync();

        var result = await workspace.Run("explain", query, "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile, "--output", "json");

        Expect.Exit(0, result);
        Expect.Mentions(Samples.Executive, result);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, Workspace.ParseJson(result).ValueKind);
    }

    [Fact]
    public async Task Explain_Contractor_SaysWhyNotImported()
    {
        using var workspace = await Baseline.CloneAsync();

        var result = await workspace.Run("explain", Samples.Contractor, "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile);

        Expect.Exit(0, result);
        Expect.StdoutLine(result, l => l.Contains("contractors", StringComparison.Ordinal) && l.Contains("wins", StringComparison.Ordinal));
        Expect.Mentions("not provisioned", result);
        Expect.Mentions("not imported", result);
    }

    [Fact]
    public async Task Explain_ByUserName_WithoutStore_SaysNotProvisioned()
    {
        using var workspace = Workspace.FromSamples();

        var result = await workspace.Run("explain", "cmartin", "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile);

        Expect.Exit(0, result);
        Expect.Mentions("not provisioned", result);
        Expect.StdoutLine(result, l => l.Contains("executives", StringComparison.Ordinal) && l.Contains("wins", StringComparison.Ordinal));
        Assert.False(File.Exists(workspace.Store), "explain created the store");
    }

    [Fact]
    public async Task Explain_UnknownUser_Fails()
    {
        using var workspace = await Baseline.CloneAsync();

        var result = await workspace.Run("explain", "nobody@x", "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile);

        Expect.ClearError(result);
        Expect.Mentions("nobody@x", result);
    }
}
