using Reconciler.Core.Resources;
using Reconciler.Sources.Folder;

namespace Reconciler.Sources.Tests.Folder;

public sealed class ConfigErrorTests
{
    [Fact]
    public void ToString_NamesFileLineColumnPathAndMessage()
    {
        var error = new ConfigError("cfg/a.yaml", 3, 7, "spec.quota", "'1TB' is not a quantity");

        Assert.Equal("cfg/a.yaml:3:7: spec.quota: '1TB' is not a quantity", error.ToString());
    }

    [Fact]
    public void ToString_OfAnUnlocatedProblem_HasNoLineZeroAndNoEmptyPath()
    {
        Assert.Equal("/missing: folder does not exist", ConfigError.Unlocated("/missing", "folder does not exist").ToString());
        Assert.Equal("/cfg/a.yaml: spec: too odd", new ConfigError("/cfg/a.yaml", 0, 0, "spec", "too odd").ToString());
        Assert.False(ConfigError.Unlocated("/missing", "x").HasPosition);
    }

    [Fact]
    public void Resource_IsPartOfTheError_ButNotOfItsText()
    {
        var key = new ResourceKey(ProvisioningMapping.KindName, "team-a", "eng");
        var error = new ConfigError("a.yaml", 1, 1, "kind", "m", key);

        Assert.Equal(key, error.Resource);
        Assert.Equal("a.yaml:1:1: kind: m", error.ToString());
        Assert.NotEqual(error, error with { Resource = null });
    }
}
