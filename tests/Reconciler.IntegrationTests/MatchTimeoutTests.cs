using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>
/// A <c>Matches</c> filter whose pattern backtracks catastrophically on one user's value: that user is reported and
/// left as they are; the command neither crashes nor moves, preserves or disables anyone because of it.
/// </summary>
public sealed class MatchTimeoutTests
{
    private const string Gus = "gus.rossi@example.com";   // u0007, provisioned by engineering

    [Fact]
    public async Task PlanAndApply_AUserWhoseMatchTimesOut_IsReportedAndLeftAsTheyAre()
    {
        using var workspace = Workspace.FromSamples();
        await workspace.ApplyOk();
        // An extra column, badge: harmless for everyone but u0007, whose 1,001 characters make ^(a+)+$ backtrack for ever.
        var lines = workspace.CsvLines();
        workspace.WriteCsv(lines.Select((line, i) => i == 0 ? line + ",badge"
            : line + "," + (line.StartsWith("u0007,", StringComparison.Ordinal) ? new string('a', 1000) + "b" : "aaa")));
        workspace.Edit("mappings.yaml", "      - {name: department, operator: In, values: [R&D, Platform]}\n",
            "      - {name: department, operator: In, values: [R&D, Platform]}\n      - {name: badge, operator: Matches, values: ['^(a+)+$']}\n");

        var plan = await workspace.Plan(json: false);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        var warning = Assert.Single(plan.StderrLines, l => l.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Equal("warning: source hr-export: user u0007: mapping engineering filter.attributes[1]: matching badge against /^(a+)+$/ "
            + "took longer than 1 s; the user is left as they are (not created, updated, preserved or disabled)", warning);
        Assert.Contains("No changes.", plan.Stdout);
        Assert.DoesNotContain("RegexMatchTimeoutException", plan.Output);
        Assert.DoesNotContain("   at ", plan.Output);

        var json = Workspace.ParseJson(await workspace.Plan());
        Assert.Contains(json.GetProperty("problems").EnumerateArray(), p => Expect.Str(p, "message").Contains("user u0007: mapping engineering"));

        var apply = await workspace.Apply();
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.DoesNotContain("   at ", apply.Output);
        var gus = (await workspace.Users()).Single(u => Expect.Str(u, "email") == Gus);
        Assert.Equal(("Active", "engineering"), (Expect.Str(gus, "state"), Expect.Str(gus, "mapping")));
        Assert.Equal(Samples.Created, (await workspace.Users("Active")).Count);

        var status = await workspace.Run("status", "--store", Workspace.StoreFile);
        var source = status.StdoutLines.Single(l => l.Contains("| DirectorySource", StringComparison.Ordinal));
        Assert.Contains("ImportIncomplete", source);
        Assert.Contains("1 user(s) left as they are", source);
    }
}
