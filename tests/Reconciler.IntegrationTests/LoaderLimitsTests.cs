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

    [GeneratedRegex(@"^[^:\s]+:\d+:\d+: \S+: .+$")]
    private static partial Regex LocatedError();
}
