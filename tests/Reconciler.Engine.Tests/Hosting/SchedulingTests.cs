using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Tests.Hosting;

/// <summary>
/// How the engine schedules sources, on a fake clock: each on its own interval, wake-ups coalesced, failures retried
/// by their class, a stalled source left alone until its configuration changes, and a hanging one holding only itself.
/// </summary>
public sealed class SchedulingTests
{
    [Fact]
    public async Task EachSourceReconcilesOnItsOwnInterval()
    {
        await using var world = new EngineWorld().Source("fast", "1m").Source("slow", "5m");
        await world.StartAsync();
        await EngineWorld.Eventually(() => world.Metrics.Reconciles == 2, "both sources are reconciled once at start");

        await world.AdvanceAsync(TimeSpan.FromMinutes(10), step: TimeSpan.FromSeconds(15));

        Assert.Equal(11, world.Directory.Reads("fast"));
        Assert.Equal(3, world.Directory.Reads("slow"));
        var times = world.Directory.ReadTimes("slow");
        Assert.Equal([EngineWorld.T0, EngineWorld.T0.AddMinutes(5), EngineWorld.T0.AddMinutes(10)], times);
    }

    [Fact]
    public async Task WakeUpsWithinTheWindowCoalesceIntoOneReconcile()
    {
        await using var world = new EngineWorld().Source("scim", "1h");
        await world.StartAsync();
        await EngineWorld.Eventually(() => world.Metrics.Reconciles == 1, "the first reconcile");
        var key = world.Sources[0].Key;

        for (var i = 0; i < 10_000; i++) world.Service.Enqueue(key);
        await world.AdvanceAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, world.Directory.Reads("scim"));
    }

    [Fact]
    public async Task APushedBacklog_IsWorkedOffInBoundedPassesThatFollowEachOther_NotAtTheInterval()
    {
        await using var world = new EngineWorld().Source("idp", "1h", DirectorySourceType.Scim);
        await world.StartAsync();
        await EngineWorld.Eventually(() => world.Metrics.Reconciles == 1, "the first reconcile");
        var results = await world.Store.WriteResourcesAsync([.. Enumerable.Range(1, 600).Select(i => Reconciling.PushBacklogTests.Create("idp", i))], default);
        Assert.All(results, r => Assert.Null(r.Refused));

        world.Service.Enqueue(world.Sources[0].Key);
        // Past the coalescing window only: the interval (1h) is never reached.
        await world.AdvanceAsync(TimeSpan.FromSeconds(2));
        await EngineWorld.Eventually(() => world.Store.CountUsersAsync(default).Result[UserState.Active] == 600, "every pushed user is provisioned");

        // 600 users, at most 256 a pass: three passes after the first reconcile (each is counted once it is scheduled).
        await EngineWorld.Eventually(() => world.Metrics.Reconciles >= 4, "the third pass is counted");
        await world.Settle();
        Assert.Equal(4, world.Metrics.Reconciles);
    }

    [Fact]
    public async Task TransientFailuresBackOffExponentiallyUpToTheCap_ThenSuccessResetsIt()
    {
        await using var world = new EngineWorld().Source("flaky", "1h");
        world.Directory.Set("flaky", new Script.Fail(ErrorClass.Transient));
        await world.StartAsync();

        await world.AdvanceAsync(TimeSpan.FromSeconds(1112), step: TimeSpan.FromSeconds(1));

        var times = world.Directory.ReadTimes("flaky");
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300], gaps.Take(11));
        Assert.All(gaps, g => Assert.True(g <= 300, $"a retry waited {g} s, past the 5 min cap"));

        world.Directory.Set("flaky", new Script.Users("u1"));
        await world.AdvanceAsync(TimeSpan.FromMinutes(6), step: TimeSpan.FromSeconds(5));
        var afterSuccess = world.Directory.Reads("flaky");
        await world.AdvanceAsync(TimeSpan.FromMinutes(30), step: TimeSpan.FromSeconds(30));
        Assert.Equal(afterSuccess, world.Directory.Reads("flaky"));
    }

    [Fact]
    public async Task AThrottledSourceIsRetriedWhenItSaid()
    {
        await using var world = new EngineWorld().Source("graph", "1h");
        world.Directory.Set("graph", new Script.Fail(ErrorClass.Waiting, TimeSpan.FromSeconds(42)));
        await world.StartAsync();
        await EngineWorld.Eventually(() => world.Metrics.Reconciles == 1, "the first reconcile");

        await world.AdvanceAsync(TimeSpan.FromSeconds(41));
        Assert.Equal(1, world.Directory.Reads("graph"));
        await world.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(2, world.Directory.Reads("graph"));

        var status = (await world.Store.LoadStatusesAsync(default)).Single(s => s.Key.Kind == DirectorySource.KindName);
        Assert.Contains("\"reason\":\"Waiting\"", status.StatusJson);
        Assert.Contains("retrying in 42s", status.StatusJson);
    }

    [Fact]
    public async Task AStalledSourceWaitsForItsSpecToChange()
    {
        await using var world = new EngineWorld().Source("ldap", "1m");
        world.Directory.Set("ldap", new Script.Fail(ErrorClass.Stalling));
        await world.StartAsync();
        await EngineWorld.Eventually(() => world.Metrics.Reconciles == 1, "the first reconcile");

        await world.AdvanceAsync(TimeSpan.FromHours(2), step: TimeSpan.FromMinutes(1));
        Assert.Equal(1, world.Directory.Reads("ldap"));

        await world.ChangeAsync(d => d);
        await world.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, world.Directory.Reads("ldap"));

        world.Directory.Set("ldap", new Script.Users("u1"));
        await world.ChangeAsync(d => d with { Sources = [d.Sources[0] with { Spec = d.Sources[0].Spec with { SyncInterval = "2m" } }] });
        await world.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, world.Directory.Reads("ldap"));
        var stored = (await world.Store.LoadStatusesAsync(default)).Single(s => s.Key.Kind == DirectorySource.KindName);
        Assert.Contains("\"reason\":\"Synced\"", stored.StatusJson);
    }

    [Fact]
    public async Task AHangingSourceDoesNotDelayAnother()
    {
        await using var world = new EngineWorld().Source("hung", "1m").Source("healthy", "1m");
        world.Directory.Set("hung", new Script.Hang());
        await world.StartAsync(workers: 2);
        await EngineWorld.Eventually(() => world.Metrics.Reconciles == 1 && world.Directory.Hanging == 1, "the healthy source reconciled, the other hangs");

        await world.AdvanceAsync(TimeSpan.FromMinutes(5), step: TimeSpan.FromSeconds(10));

        Assert.True(world.Directory.Reads("healthy") == 6, "healthy was read at " + string.Join(", ", world.Directory.ReadTimes("healthy").Select(t => (t - EngineWorld.T0).ToString())));
        Assert.Equal(1, world.Directory.Reads("hung"));
        Assert.Equal(1, (await world.Store.CountUsersAsync(default))[UserState.Active]);
    }

    [Fact]
    public async Task AReadThatGoesSilentIsAbandonedAfterTheReadTimeout_AndRetriedWithBackoff()
    {
        await using var world = new EngineWorld { ReadTimeout = TimeSpan.FromMinutes(2) }.Source("silent", "1m");
        world.Directory.Set("silent", new Script.Hang());
        await world.StartAsync();

        await world.AdvanceAsync(TimeSpan.FromSeconds(119));
        Assert.Equal(1, world.Directory.Reads("silent"));
        Assert.DoesNotContain(await world.Store.LoadStatusesAsync(default), s => s.Key.Kind == DirectorySource.KindName);

        world.Directory.Set("silent", new Script.Users("u1"));
        await world.AdvanceAsync(TimeSpan.FromSeconds(1));
        // The abandoned read's failure is recorded as soon as the worker gets to it (no more time needs to pass).
        StoredStatus? status = null;
        await EngineWorld.Eventually(() =>
        {
            status = world.Store.LoadStatusesAsync(default).Result.SingleOrDefault(s => s.Key.Kind == DirectorySource.KindName);
            return status is not null;
        }, "the abandoned read is recorded");
        Assert.Contains("gave nothing for 2m", status!.StatusJson);
        Assert.Contains("\"reason\":\"ProgressingWithRetry\"", status.StatusJson);

        await world.AdvanceAsync(TimeSpan.FromSeconds(3));
        await EngineWorld.Eventually(() => world.Directory.Reads("silent") == 2, "the read is retried after its backoff");
        await EngineWorld.Eventually(() => world.Store.CountUsersAsync(default).Result[UserState.Active] == 1, "the retry provisions the user");
    }

    [Fact]
    public async Task ACommitOnOneSourceIsNeverLost_WhenItIsWokenMidPass()
    {
        await using var world = new EngineWorld().Source("hr", "1h");
        await world.StartAsync();
        await EngineWorld.Eventually(() => world.Metrics.Reconciles == 1, "the first reconcile");

        world.Directory.Set("hr", new Script.Users("u1", "u2"));
        world.Service.Enqueue(world.Sources[0].Key);
        await world.AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(2, world.Directory.Reads("hr"));
        Assert.Equal(2, (await world.Store.CountUsersAsync(default))[UserState.Active]);
    }
}
