using System.Text;
using System.Text.RegularExpressions;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>
/// Hostile or mistaken configuration that used to exhaust memory, overflow the stack, hang or throw: the real
/// program answers each with exit 1 and one located message, no stack trace, within seconds.
/// </summary>
public sealed partial class LoaderLimitsTests
{
    /// <summary>Generous for a process start and a small folder; the broken program took minutes or crashed.</summary>
    private static readonly TimeSpan Seconds = TimeSpan.FromSeconds(30);

    private static Task<CliResult> Validate(Workspace workspace) => Support.Cli.RunAsync(workspace.Root, Seconds, "validate", Workspace.ConfigDir);

    /// <summary>Exit 1, no stack trace, and exactly one <c>file:line:column: path: message</c> line, which is returned.</summary>
    private static string OneLocatedError(CliResult result)
    {
        Expect.ClearError(result);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
        var located = result.StderrLines.Where(l => LocatedError().IsMatch(l)).ToList();
        Assert.True(located.Count == 1, "expected exactly one file:line:column error:\n" + result);
        Expect.StderrLine(result, l => l.StartsWith("1 error(s) in ", StringComparison.Ordinal));
        return located[0];
    }

    [Fact]
    public async Task Validate_AliasBomb_IsStoppedAtTheAlias()
    {
        using var workspace = Workspace.FromSamples();
        var bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level < 10; level++)
        {
            var name = (char)('a' + level);
            bomb.Append($"{name}: &{name} [{string.Join(", ", Enumerable.Repeat("*" + (char)(name - 1), 9))}]\n");
        }
        workspace.Write("bomb.yaml", bomb.ToString());

        var line = OneLocatedError(await Validate(workspace));

        Assert.EndsWith("bomb.yaml:5:8: (file): alias *d makes this document larger than 10,000 nodes once expanded; a resource needs far fewer", line);
    }

    [Fact]
    public async Task Validate_DocumentNested20000Deep_IsRejectedWithoutStackOverflow()
    {
        using var workspace = Workspace.FromSamples();
        var text = "apiVersion: provisioning.reconciler.dev/v1alpha1\nkind: DirectorySource\nmetadata:\n  name: deep\nspec:\n  attributes: "
            + new string('[', 20_000) + new string(']', 20_000) + "\n";
        workspace.Write("deep.yaml", text);

        var result = await Validate(workspace);

        var line = OneLocatedError(result);
        // the root and spec mappings are two levels; the 31st '[' (column 15 + 30) is the 33rd
        Assert.EndsWith("deep.yaml:6:45: (file): nested more than 32 levels deep; a resource needs far fewer", line);
        Assert.DoesNotContain("Stack overflow", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Validate_BlockListsNested20000Deep_AreRejectedWithoutStackOverflow()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Write("deep.yaml", string.Concat(Enumerable.Repeat("- ", 20_000)) + "x\n");

        var line = OneLocatedError(await Validate(workspace));

        Assert.EndsWith("deep.yaml:1:65: (file): nested more than 32 levels deep; a resource needs far fewer", line);
    }

    [Fact]
    public async Task Validate_SymlinkLoops_AreWalkedOnce_SoAnErrorIsReportedOnce()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "  syncInterval: 5m\n", "  syncInterval: soon\n");
        Directory.CreateSymbolicLink(Path.Combine(workspace.Config, "self"), ".");
        Directory.CreateDirectory(Path.Combine(workspace.Config, "teams"));
        Directory.CreateSymbolicLink(Path.Combine(workspace.Config, "teams", "up"), "..");

        var line = OneLocatedError(await Validate(workspace));

        Assert.EndsWith($"sources.yaml:{workspace.LineOf("sources.yaml", "syncInterval")}:17: spec.syncInterval: 'soon' is not a duration; write e.g. 30s, 15m, 1h, 24h (units ms, s, m, h)", line);
    }

    [Fact]
    public async Task Validate_SymlinkLoops_AloneAreHarmless()
    {
        using var workspace = Workspace.FromSamples();
        Directory.CreateSymbolicLink(Path.Combine(workspace.Config, "self"), ".");
        Directory.CreateSymbolicLink(Path.Combine(workspace.Config, "again"), ".");

        var result = await Validate(workspace);

        Expect.Exit(0, result);
        Expect.Mentions("valid (1 source, 5 mappings, 3 quota policies, 1 campaign;", result);
    }

    [Fact]
    public async Task Validate_DurationOutOfRange_NamesTheRange()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "  syncInterval: 5m\n", "  syncInterval: 1000000h\n");

        var line = OneLocatedError(await Validate(workspace));

        Assert.EndsWith($"sources.yaml:{workspace.LineOf("sources.yaml", "syncInterval")}:17: spec.syncInterval: '1000000h' is out of range: syncInterval must be between 1s and 720h", line);
    }

    [Fact]
    public async Task Validate_DurationBeyondTimeSpan_IsOutOfRange_NotAnOverflowException()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "  syncInterval: 5m\n", "  syncInterval: 99999999999999h\n");

        var line = OneLocatedError(await Validate(workspace));

        Assert.Contains("spec.syncInterval: '99999999999999h' is out of range: syncInterval must be between 1s and 720h", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TabIndentation_IsReportedAtTheTab()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "  deletionGuard:\n    maxDeletePercent", "  deletionGuard:\n\tmaxDeletePercent");

        var line = OneLocatedError(await Validate(workspace));

        Assert.EndsWith($"sources.yaml:{workspace.LineOf("sources.yaml", "maxDeletePercent")}:1: (file): invalid YAML: tabs are not allowed for indentation in YAML; use spaces", line);
    }

    [Fact]
    public async Task Validate_MissingFolder_SaysSoWithoutALineNumber()
    {
        using var workspace = Workspace.Empty();

        var result = await Support.Cli.RunAsync(workspace.Root, Seconds, "validate", "no-such-folder");

        Expect.ClearError(result);
        Expect.StderrLine(result, l => l == "no-such-folder: folder does not exist");
    }

    public static TheoryData<string, string> HostileConfigurations()
    {
        var data = new TheoryData<string, string>();
        string[] breakages =
        [
            "alias-bomb", "flow-70-deep", "block-70-deep", "flow-20000-deep", "block-20000-deep", "sync-interval-beyond-timespan",
            "sync-interval-1000000h", "token-ttl-huge", "policy-quota-huge", "mapping-quota-huge", "tab-on-line-23", "tab-only-line-23",
        ];
        foreach (var breakage in breakages)
        {
            foreach (var command in new[] { "validate", "plan", "apply" }) data.Add(breakage, command);
        }
        return data;
    }

    /// <summary>
    /// Every hostile configuration meets the same answer from each command that loads it: one located error, exit 1,
    /// no stack trace, within seconds (an alias bomb expanded or a recursion 20,000 deep would not), the store untouched.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostileConfigurations))]
    public async Task HostileConfiguration_IsOneLocatedError_ForValidatePlanAndApply(string breakage, string command)
    {
        using var workspace = await Baseline.CloneAsync();
        var expected = BreakConfiguration(workspace, breakage);
        var before = workspace.StoreFingerprint();
        var usersBefore = await workspace.Run("users", "list", "--store", Workspace.StoreFile, "--output", "json");

        string[] args = command == "validate"
            ? ["validate", Workspace.ConfigDir]
            : [command, "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile];
        var result = await Support.Cli.RunAsync(workspace.Root, Seconds, args);

        var line = OneLocatedError(result);
        Assert.True(line.EndsWith(expected, StringComparison.Ordinal), $"expected the error to end with\n  {expected}\n{result}");
        Assert.DoesNotContain("is not a quantity", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stack overflow", result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, workspace.StoreFingerprint());
        Assert.Equal(usersBefore.Stdout, (await workspace.Run("users", "list", "--store", Workspace.StoreFile, "--output", "json")).Stdout);
    }

    /// <summary>Breaks the configuration one hostile way; returns the end of the one error line expected, from the file name on.</summary>
    private static string BreakConfiguration(Workspace workspace, string breakage)
    {
        const string header = "apiVersion: provisioning.reconciler.dev/v1alpha1\nkind: DirectorySource\nmetadata:\n  name: deep\nspec:\n  attributes: ";
        const string tooDeep = "(file): nested more than 32 levels deep; a resource needs far fewer";
        switch (breakage)
        {
            case "alias-bomb":
                var bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
                for (var level = 1; level < 10; level++)
                {
                    var name = (char)('a' + level);
                    bomb.Append($"{name}: &{name} [{string.Join(", ", Enumerable.Repeat("*" + (char)(name - 1), 9))}]\n");
                }
                workspace.Write("bomb.yaml", bomb.ToString());
                return "bomb.yaml:5:8: (file): alias *d makes this document larger than 10,000 nodes once expanded; a resource needs far fewer";
            case "flow-70-deep" or "flow-20000-deep":
                var depth = breakage == "flow-70-deep" ? 70 : 20_000;
                workspace.Write("deep.yaml", header + new string('[', depth) + new string(']', depth) + "\n");
                return "deep.yaml:6:45: " + tooDeep;
            case "block-70-deep" or "block-20000-deep":
                workspace.Write("deep.yaml", string.Concat(Enumerable.Repeat("- ", breakage == "block-70-deep" ? 70 : 20_000)) + "x\n");
                return "deep.yaml:1:65: " + tooDeep;
            case "sync-interval-beyond-timespan" or "sync-interval-1000000h":
                var interval = breakage == "sync-interval-1000000h" ? "1000000h" : "99999999999999h";
                workspace.Edit("sources.yaml", "  syncInterval: 5m\n", $"  syncInterval: {interval}\n");
                return $"sources.yaml:{workspace.LineOf("sources.yaml", "syncInterval")}:17: spec.syncInterval: '{interval}' is out of range: " +
                    "syncInterval must be between 1s and 720h";
            case "token-ttl-huge":
                workspace.Edit("campaign.yaml", "  tokenTTL: 2160h\n", "  tokenTTL: 2160000000h\n");
                return $"campaign.yaml:{workspace.LineOf("campaign.yaml", "tokenTTL")}:13: spec.tokenTTL: '2160000000h' is out of range: " +
                    "tokenTTL must be between 1m and 87600h";
            case "policy-quota-huge":
                workspace.Edit("quota-policies.yaml", "  quota: 50Gi\n", "  quota: 99999999Ei\n");
                return $"quota-policies.yaml:{workspace.LineOf("quota-policies.yaml", "99999999Ei")}:10: spec.quota: '99999999Ei' is out of range (at most 8Ei)";
            case "mapping-quota-huge":
                workspace.Edit("mappings.yaml", "  quota: 20Gi\n", "  quota: 99999999Ei\n");
                return $"mappings.yaml:{workspace.LineOf("mappings.yaml", "99999999Ei")}:10: spec.quota: '99999999Ei' is out of range (at most 8Ei)";
            case "tab-on-line-23" or "tab-only-line-23":
                Assert.Equal(23, workspace.LineOf("mappings.yaml", "priority: 10"));
                workspace.Edit("mappings.yaml", "  priority: 10\n", breakage == "tab-on-line-23" ? "\tpriority: 10\n" : "\t\n  priority: 10\n");
                return "mappings.yaml:23:1: (file): invalid YAML: tabs are not allowed for indentation in YAML; use spaces";
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }
    }

    [Theory]
    [InlineData("apply")]
    [InlineData("plan")]
    public async Task PlanAndApply_ThroughSymlinkLoops_ReadEachFileOnce(string command)
    {
        using var workspace = Workspace.FromSamples();
        Directory.CreateSymbolicLink(Path.Combine(workspace.Config, "self"), ".");
        Directory.CreateDirectory(Path.Combine(workspace.Config, "a"));
        Directory.CreateSymbolicLink(Path.Combine(workspace.Config, "a", "up"), "..");

        var result = command == "apply" ? await workspace.Apply() : await workspace.Plan();

        // every resource once: no "declared twice" errors, and each sample user planned (and created) exactly once
        Expect.Exit(command == "apply" ? 0 : 2, result);
        Assert.DoesNotContain("error", result.Stderr, StringComparison.OrdinalIgnoreCase);
        if (command == "plan")
        {
            var creates = Workspace.ParseJson(result).GetProperty("changes").EnumerateArray().Select(c => Expect.Str(c, "email")).ToList();
            Assert.Equal(Samples.ExpectedEmails.Order(), creates.Order());
        }
        else
        {
            Assert.Equal(Samples.ExpectedEmails.Order(), (await workspace.Users()).Select(u => Expect.Str(u, "email")).Order());
            Expect.Exit(0, await workspace.Plan());
        }
    }

    [GeneratedRegex(@"^[^:\s]+:\d+:\d+: \S+: .+$")]
    private static partial Regex LocatedError();
}
