using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>What `--help` tells a user is what the command then accepts.</summary>
public sealed class HelpTests
{
    [Fact]
    public async Task RunHelp_ShowsTheReadTimeoutDefaultAsAGoDuration_ThatTheOptionAccepts()
    {
        using var workspace = Workspace.Empty();

        var help = await workspace.Run("run", "--help");

        Expect.Exit(0, help);
        var line = Assert.Single(help.StdoutLines, l => l.TrimStart().StartsWith("--read-timeout", StringComparison.Ordinal));
        // TimeSpan's own form (00:05:00) was shown here, and --read-timeout 00:05:00 is refused.
        Assert.Contains("[default: 5m]", line);
        Assert.DoesNotContain("00:05:00", line);
        var refused = await workspace.Run("run", "--config", Workspace.ConfigDir, "--read-timeout", "00:05:00");
        Expect.Exit(1, refused);
        Expect.Mentions("is not a duration", refused);
    }
}
