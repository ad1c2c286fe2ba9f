using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Tests.Planning;
using static Reconciler.Core.Tests.Planning.World;

namespace Reconciler.Core.Tests.Status;

public sealed class StatusBuilderTests
{
    private static IReadOnlyList<ResourceReport> Build(World world, Func<string, string, IReadOnlyList<Condition>?>? previous = null, DateTimeOffset? now = null)
    {
        var plan = world.Plan();
        return StatusBuilder.Build(world.Desired, world.Snapshots, plan, RegistryOverlay.Apply(world.Registry, plan),
            now ?? T0, previous ?? ((_, _) => null));
    }

    private static Condition Ready(IReadOnlyList<ResourceReport> reports, string name) =>
        Condition(reports, name, Reconciler.Core.Resources.Condition.Ready);

    private static Condition Condition(IReadOnlyList<ResourceReport> reports, string name, string type) =>
        reports.Single(r => r.Name == name).Status.Conditions.Single(c => c.Type == type);

    [Fact]
    public void Build_ReadySourceAndMappingsDescribeState()
    {
        var world = new World().Source("hr").Policy("std", "50Gi")
            .Mapping("eng", "hr", 1, new UserFilter { Groups = ["eng"] }, policy: "std").Mapping("rest", "hr", 2)
            .Import("hr", User("ann", groups: ["eng"]), User("bob"), User("cy", enabled: false));

        var reports = Build(world);

        Assert.Equal((ConditionStatus.True, "Synced", "3 users read; 2 active, 0 preserved, 0 disabled"),
            (Ready(reports, "hr").Status, Ready(reports, "hr").Reason, Ready(reports, "hr").Message));
        var eng = (ProvisioningMappingStatus)reports.Single(r => r.Name == "eng").Status;
        Assert.Equal((1, 1, 0), (eng.MatchedUsers, eng.ProvisionedUsers, eng.Conflicts));
        var std = (StorageQuotaPolicyStatus)reports.Single(r => r.Name == "std").Status;
        Assert.Equal((1, 50L << 30), (std.UsersBound, std.BytesAllocated));
    }

    [Fact]
    public void Build_FailedReadMakesSourceAndItsMappingsNotReady()
    {
        var world = new World().Source("hr").Mapping("eng", "hr", 1).ImportFailed("hr");

        var reports = Build(world);

        Assert.Equal((ConditionStatus.False, "ReadFailed"), (Ready(reports, "hr").Status, Ready(reports, "hr").Reason));
        Assert.Equal(("SourceNotReady", "source hr: ReadFailed"), (Ready(reports, "eng").Reason, Ready(reports, "eng").Message));
    }

    [Fact]
    public void Build_DeletionGuardAndIncompleteImportAreNamed()
    {
        var world = new World().Source("hr", new DeletionGuard { MaxDeleteCount = 0, MaxDeletePercent = null }).Mapping("all", "hr", 1)
            .Import("hr", User("ann"), User("bob"));
        world.Apply(world.Plan()).Import("hr", User("ann"));
        var guarded = Build(world);
        Assert.Equal("DeletionGuard", Ready(guarded, "hr").Reason);
        Assert.Equal(ConditionStatus.True, Condition(guarded, "hr", Reconciler.Core.Resources.Condition.Stalled).Status);

        world.ImportIncomplete("hr", User("ann"));
        var incomplete = Build(world);
        Assert.Equal("ImportIncomplete", Ready(incomplete, "hr").Reason);
        Assert.Equal(ConditionStatus.False, Condition(incomplete, "hr", Reconciler.Core.Resources.Condition.Stalled).Status);
    }

    [Fact]
    public void Build_KeepsLastTransitionTimeWhileTheStatusStaysTheSame()
    {
        var world = new World().Source("hr").Mapping("all", "hr", 1).Import("hr", User("ann"));
        var first = Build(world);
        var later = T0.AddHours(3);

        var again = Build(world, (kind, name) => first.Single(r => r.Kind == kind && r.Name == name).Status.Conditions, later);
        Assert.Equal(T0, Ready(again, "hr").LastTransitionTime);

        world.ImportFailed("hr");
        var failed = Build(world, (kind, name) => first.Single(r => r.Kind == kind && r.Name == name).Status.Conditions, later);
        Assert.Equal(later, Ready(failed, "hr").LastTransitionTime);
    }
}
