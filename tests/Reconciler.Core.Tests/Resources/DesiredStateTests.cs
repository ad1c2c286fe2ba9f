using Reconciler.Core.Resources;

namespace Reconciler.Core.Tests.Resources;

public sealed class DesiredStateTests
{
    private static DirectorySource Source(string name, string? @namespace = null) =>
        new() { Metadata = new ResourceMetadata { Name = name, Namespace = @namespace } };

    [Fact]
    public void OriginOf_FindsEachResourceByKindNamespaceAndName()
    {
        var inDefault = Source("corp");
        var inTeamA = Source("corp", "team-a");
        var desired = new DesiredState
        {
            Sources = [inDefault, inTeamA],
            Origins = new Dictionary<ResourceKey, ResourceOrigin>
            {
                [inDefault.Key] = new("/cfg/a.yaml", 1, 1),
                [inTeamA.Key] = new("/cfg/team-a.yaml", 3, 1),
            },
        };

        Assert.Equal(new ResourceOrigin("/cfg/a.yaml", 1, 1), desired.OriginOf(inDefault));
        Assert.Equal(new ResourceOrigin("/cfg/team-a.yaml", 3, 1), desired.OriginOf(inTeamA));
        Assert.Null(desired.OriginOf(Source("corp", "team-b")));
        Assert.Null(desired.OriginOf(new StorageQuotaPolicy { Metadata = new ResourceMetadata { Name = "corp" } }));
    }

    [Fact]
    public void Key_PutsAResourceWithoutNamespaceInTheDefaultNamespace()
    {
        Assert.Equal(new ResourceKey(DirectorySource.KindName, "default", "corp"), Source("corp").Key);
        Assert.Equal(Source("corp").Key, Source("corp", "").Key);
        Assert.Equal("corp", Source("corp").Key.QualifiedName);
        Assert.Equal("team-a/corp", Source("corp", "team-a").Key.QualifiedName);
    }
}
