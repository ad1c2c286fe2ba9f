using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Tests.Planning;

namespace Reconciler.Core.Tests.Status;

public sealed class SpecGenerationsTests
{
    private static long GenerationOf(DesiredState desired, string mapping) => desired.Mappings.Single(m => m.Name == mapping).Metadata.Generation;

    [Fact]
    public void Assign_StartsAtOne_StaysWhileTheSpecIsTheSame_AndMovesWhenItChanges()
    {
        var world = new World().Source("hr").Mapping("eng", "hr", 1, region: "us-east");
        var (first, recorded) = SpecGenerations.Assign(world.Desired, (_, _) => null);
        Assert.Equal(1, GenerationOf(first, "eng"));

        var (same, _) = SpecGenerations.Assign(world.Desired, (kind, name) => recorded[(kind, name)]);
        Assert.Equal(1, GenerationOf(same, "eng"));

        world.Mappings[0] = world.Mappings[0] with { Spec = world.Mappings[0].Spec with { StorageRegion = "eu-west" } };
        var (changed, next) = SpecGenerations.Assign(world.Desired, (kind, name) => recorded[(kind, name)]);
        Assert.Equal(2, GenerationOf(changed, "eng"));
        Assert.Equal(1, changed.Sources[0].Metadata.Generation);
        Assert.NotEqual(recorded[(ProvisioningMapping.KindName, "eng")].SpecHash, next[(ProvisioningMapping.KindName, "eng")].SpecHash);
    }

    [Fact]
    public void Assign_KeepsGenerationsAnApiServerAssigned()
    {
        var world = new World().Source("hr").Mapping("eng", "hr", 1);
        world.Mappings[0] = world.Mappings[0] with { Metadata = world.Mappings[0].Metadata with { Generation = 7 } };

        var (desired, _) = SpecGenerations.Assign(world.Desired with { GenerationsAssigned = true }, (_, _) => new SpecGeneration("old", 3));

        Assert.Equal(7, GenerationOf(desired, "eng"));
    }
}
