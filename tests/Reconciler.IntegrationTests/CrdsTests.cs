using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

public sealed class CrdsTests
{
    [Fact]
    public async Task Crds_WritesOneFilePerKind_EqualToTheCheckedInOnes()
    {
        using var workspace = Workspace.Empty();

        var result = await workspace.Run("crds", "--out", "generated");

        Expect.Exit(0, result);
        var generated = Directory.GetFiles(Path.Combine(workspace.Root, "generated")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var checkedIn = Directory.GetFiles(Repo.Crds).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, generated.Count);
        Assert.Equal(checkedIn, generated);
        foreach (var name in generated)
        {
            Assert.True(File.ReadAllText(Path.Combine(Repo.Crds, name!)) == File.ReadAllText(Path.Combine(workspace.Root, "generated", name!)),
                $"crds/{name} differs from what `reconciler crds` generates: run `make crds`");
        }
    }
}
