namespace Reconciler.IntegrationTests.Support;

/// <summary>
/// config-samples applied once to a store, shared by every test that starts "after an apply": tests clone it and
/// never touch the original, so they can run in parallel.
/// </summary>
public static class Baseline
{
    private static readonly Lazy<Task<(Workspace Workspace, CliResult Apply)>> Applied = new(async () =>
    {
        var workspace = Workspace.FromSamples();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => workspace.Dispose();
        var apply = await workspace.Apply();
        return (workspace, apply);
    });

    /// <summary>The first apply of config-samples on a fresh store, as the user saw it.</summary>
    public static async Task<CliResult> FirstApplyAsync() => (await Applied.Value).Apply;

    /// <summary>A private copy of a workspace where config-samples was applied (the apply must have worked).</summary>
    public static async Task<Workspace> CloneAsync()
    {
        var (workspace, apply) = await Applied.Value;
        Assert.True(apply.ExitCode == 0, "the baseline apply of config-samples failed:\n" + apply);
        return workspace.Clone();
    }
}
