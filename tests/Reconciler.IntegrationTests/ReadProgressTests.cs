using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>The line a one-shot command prints on standard error once a source is read.</summary>
public sealed class ReadProgressTests
{
    [Fact]
    public async Task Plan_AfterAMalformedRow_CountsTheUsersReadAndTheRowSkippedApart()
    {
        using var workspace = Workspace.FromSamples();
        await workspace.ApplyOk();
        // The tour's malformed row: u0006 loses its last field.
        var lines = workspace.CsvLines();
        workspace.WriteCsv(lines.Select(l => l.StartsWith("u0006,", StringComparison.Ordinal) ? l[..l.LastIndexOf(',')] : l));

        var plan = await workspace.Plan(json: false);

        Assert.True(plan.ExitCode == 0, plan.ToString());
        var read = Assert.Single(plan.StderrLines, l => l.StartsWith("read hr-export:", StringComparison.Ordinal));
        Assert.Matches(@"^read hr-export: 49 users, 1 row skipped, 0 new or changed, 0 gone in \S+ \(incomplete\)$", read);
    }

    [Fact]
    public async Task Plan_OfACompleteRead_SaysNothingIsSkipped()
    {
        using var workspace = Workspace.FromSamples();

        var plan = await workspace.Plan(json: false);

        var read = Assert.Single(plan.StderrLines, l => l.StartsWith("read hr-export:", StringComparison.Ordinal));
        Assert.Matches(@"^read hr-export: 50 users, 50 new or changed, 0 gone in \S+$", read);
    }
}
