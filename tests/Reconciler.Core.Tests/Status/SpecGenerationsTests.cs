using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Tests.Planning;

namespace Reconciler.Core.Tests.Status;

public sealed class SpecGenerationsTests
{
    private static ProvisioningMapping Mapping(DesiredState desired, string name) => desired.Mappings.Single(m => m.Name == name);

    [Fact]
    public void Assign_StartsAtOne_StaysWhileTheSpecIsTheSame_AndMovesWhenItChanges()
    {
        var world = new World().Source("hr").Mapping("eng", "hr", 1, region: "us-east");
        var first = SpecGenerations.Assign(world.Desired, _ => null);
        Assert.Equal(1, Mapping(first, "eng").Metadata.Generation);
        var recorded = first.All.ToDictionary(r => r.Key, SpecGenerations.Of);

        var same = SpecGenerations.Assign(world.Desired, key => recorded[key]);
        Assert.Equal(1, Mapping(same, "eng").Metadata.Generation);

        world.Mappings[0] = world.Mappings[0] with { Spec = world.Mappings[0].Spec with { StorageRegion = "eu-west" } };
        var changed = SpecGenerations.Assign(world.Desired, key => recorded[key]);
        Assert.Equal(2, Mapping(changed, "eng").Metadata.Generation);
        Assert.Equal(1, changed.Sources[0].Metadata.Generation);
        Assert.NotEqual(recorded[Mapping(first, "eng").Key].SpecHash, SpecGenerations.Of(Mapping(changed, "eng")).SpecHash);
    }

    [Fact]
    public void Assign_KeepsGenerationsAnApiServerAssigned()
    {
        var world = new World().Source("hr").Mapping("eng", "hr", 1);
        world.Mappings[0] = world.Mappings[0] with { Metadata = world.Mappings[0].Metadata with { Generation = 7 } };

        var desired = SpecGenerations.Assign(world.Desired with { GenerationsAssigned = true }, _ => new SpecGeneration("old", 3));

        Assert.Equal(7, Mapping(desired, "eng").Metadata.Generation);
    }
}
