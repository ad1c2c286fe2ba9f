using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Tests.Planning;
using static Reconciler.Core.Tests.Planning.World;

namespace Reconciler.Core.Tests.Status;

public sealed class StatusBuilderTests
{
    private static readonly World Hr = new World().Source("hr").Policy("std", "50Gi").Mapping("eng", "hr", 1, policy: "std");

    private static DirectorySource Source => Hr.Sources[0];

    private static Condition Condition(ResourceReport report, string type) => report.Status.Conditions.Single(c => c.Type == type);

    private static ResourceReport Report(SourcePhase phase, ErrorClass? error = null, IReadOnlyList<Condition>? previous = null, DateTimeOffset? now = null) =>
        StatusBuilder.Source(Source, new SourceFacts
        {
            Phase = phase, Error = error, Detail = $"detail of {phase}", UsersSeen = 3, Users = new StateCounts(2, 1, 0), Complete = phase == SourcePhase.Synced,
            ReadAt = T0, Duration = TimeSpan.FromMilliseconds(1500), RetryIn = TimeSpan.FromSeconds(8),
        }, now ?? T0, previous);

    [Fact]
    public void Source_SyncedDescribesWhatItHolds()
    {
        var report = Report(SourcePhase.Synced);

        var ready = Condition(report, Reconciler.Core.Resources.Condition.Ready);
        Assert.Equal((ConditionStatus.True, "Synced", "3 users read; 2 active, 1 preserved, 0 disabled"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(ConditionStatus.False, Condition(report, Reconciler.Core.Resources.Condition.Stalled).Status);
        Assert.Equal(ConditionStatus.False, Condition(report, Reconciler.Core.Resources.Condition.Reconciling).Status);
        Assert.Equal("3 users read; 2 active, 1 preserved, 0 disabled; every 1h", report.Summary);
        Assert.Equal("1.5s", ((DirectorySourceStatus)report.Status).LastSyncDuration);
    }

    [Theory]
    [InlineData(ErrorClass.Transient, "ReadFailed", false, true)]
    [InlineData(ErrorClass.Waiting, "Waiting", false, true)]
    [InlineData(ErrorClass.Stalling, "ReadFailed", true, false)]
    public void Source_AFailedReadIsRetriedOrStalledByItsErrorClass(ErrorClass error, string reason, bool stalled, bool reconciling)
    {
        var report = Report(SourcePhase.ReadFailed, error);

        Assert.Equal((ConditionStatus.False, reason), (Condition(report, "Ready").Status, Condition(report, "Ready").Reason));
        Assert.Equal(stalled ? ConditionStatus.True : ConditionStatus.False, Condition(report, "Stalled").Status);
        Assert.Equal(reconciling ? ConditionStatus.True : ConditionStatus.False, Condition(report, "Reconciling").Status);
        if (reconciling) Assert.Equal(("ProgressingWithRetry", "retrying in 8s"), (Condition(report, "Reconciling").Reason, Condition(report, "Reconciling").Message));
    }

    [Theory]
    [InlineData(SourcePhase.DeletionGuard, true)]
    [InlineData(SourcePhase.Held, true)]
    [InlineData(SourcePhase.InvalidSpec, true)]
    [InlineData(SourcePhase.ImportIncomplete, false)]
    [InlineData(SourcePhase.Suspended, false)]
    public void Source_StalledOnlyWhenAPersonMustAct(SourcePhase phase, bool stalled)
    {
        var report = Report(phase);

        Assert.Equal(ConditionStatus.False, Condition(report, "Ready").Status);
        Assert.Equal(stalled ? ConditionStatus.True : ConditionStatus.False, Condition(report, "Stalled").Status);
    }

    [Fact]
    public void Mapping_IsNotReadyWhileItsSourceIsNot_AndCountsConflicts()
    {
        var mapping = Hr.Mappings[0];

        var ready = StatusBuilder.Mapping(mapping, new MappingFacts(5, 4, 1, true, "Synced"), T0, null);
        var notReady = StatusBuilder.Mapping(mapping, new MappingFacts(5, 4, 0, false, "ReadFailed"), T0, null);

        var status = (ProvisioningMappingStatus)ready.Status;
        Assert.Equal((5, 4, 1), (status.MatchedUsers, status.ProvisionedUsers, status.Conflicts));
        Assert.Equal(ConditionStatus.True, Condition(ready, "EmailConflicts").Status);
        Assert.Equal(("SourceNotReady", "source hr: ReadFailed"), (Condition(notReady, "Ready").Reason, Condition(notReady, "Ready").Message));
    }

    [Fact]
    public void Policy_AllocatesEachBoundUsersQuota()
    {
        var report = StatusBuilder.Policy(Hr.Policies[0], new PolicyFacts(3, 3 * (50L << 30)), T0, null);

        Assert.Equal("3 users bound, 150Gi allocated", report.Summary);
    }

    [Fact]
    public void Policy_WithNobodyBound_HasNothingAllocated_NotAnUnlimitedAmount()
    {
        var report = StatusBuilder.Policy(Hr.Policies[0], new PolicyFacts(0, 0), T0, null);

        Assert.Equal("0 users bound, nothing allocated", report.Summary);
    }

    [Fact]
    public void Conditions_KeepTheirLastTransitionTimeWhileTheirStatusStaysTheSame()
    {
        var first = Report(SourcePhase.Synced);
        var later = T0.AddHours(3);

        var again = Report(SourcePhase.Synced, previous: first.Status.Conditions, now: later);
        Assert.Equal(T0, Condition(again, "Ready").LastTransitionTime);

        var failed = Report(SourcePhase.ReadFailed, ErrorClass.Transient, previous: first.Status.Conditions, now: later);
        Assert.Equal(later, Condition(failed, "Ready").LastTransitionTime);
    }
}
