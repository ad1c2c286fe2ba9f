using Microsoft.Extensions.Time.Testing;
using Reconciler.Engine.Queue;

namespace Reconciler.Engine.Tests.Queue;

/// <summary>Delayed adds on a fake clock: intervals and retry-after, coalesced wake-ups, and backoff after failures.</summary>
public sealed class WorkQueueDelayTests
{
    private readonly FakeTimeProvider _time = new();

    private WorkQueue<string> NewQueue(WorkQueueOptions? options = null) => new(_time, options ?? QueueTesting.Exact);

    [Fact]
    public void AddAfter_MakesTheKeyReadyWhenTheDelayHasPassed()
    {
        using var queue = NewQueue();

        queue.AddAfter("corp-ldap", TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));

        Assert.Equal((0, 1), (queue.Count, queue.Waiting));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal((1, 0), (queue.Count, queue.Waiting));
    }

    [Fact]
    public async Task AddAfter_WaitingGetter_GetsTheKeyWhenDue()
    {
        using var queue = NewQueue();
        var getter = queue.GetAsync(CancellationToken.None).AsTask();

        queue.AddAfter("corp-ldap", TimeSpan.FromMinutes(5));
        Assert.False(getter.IsCompleted);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal("corp-ldap", await getter.KeyAsync());
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(3, 10)]
    public async Task AddAfter_TwiceForOneKey_TheEarlierDueTimeWins_AndTheyDoNotStack(int firstSeconds, int secondSeconds)
    {
        using var queue = NewQueue();

        queue.AddAfter("corp-ldap", TimeSpan.FromSeconds(firstSeconds));
        queue.AddAfter("corp-ldap", TimeSpan.FromSeconds(secondSeconds));
        Assert.Equal(1, queue.Waiting);

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1, queue.Count);
        queue.Done(await queue.TakeAsync());

        _time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal((0, 0), (queue.Count, queue.Waiting));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void AddAfter_WithNoDelay_IsAnAdd(int seconds)
    {
        using var queue = NewQueue();

        queue.AddAfter("corp-ldap", TimeSpan.FromSeconds(seconds));

        Assert.Equal((1, 0), (queue.Count, queue.Waiting));
    }

    [Fact]
    public void AddAfter_LongerThanTimersAccept_WaitsThatLong()
    {
        using var queue = NewQueue();

        queue.AddAfter("yearly", TimeSpan.FromDays(365));
        queue.AddAfter("never", TimeSpan.MaxValue);
        _time.Advance(TimeSpan.FromDays(364));
        Assert.Equal((0, 2), (queue.Count, queue.Waiting));

        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal((1, 1), (queue.Count, queue.Waiting));
    }

    [Fact]
    public void AddAfter_LongerThanTimersAccept_DoesNotThrowOnTheSystemClock()
    {
        using var queue = new WorkQueue<string>(TimeProvider.System, new WorkQueueOptions());

        queue.AddAfter("never", TimeSpan.MaxValue);
        queue.AddAfter("yearly", TimeSpan.FromDays(365));

        Assert.Equal(2, queue.Waiting);
    }

    [Fact]
    public async Task AddAfter_DueWhileTheKeyIsProcessed_QueuesItAfterDone()
    {
        using var queue = NewQueue();
        queue.Add("corp-ldap");
        var key = await queue.TakeAsync();

        queue.AddAfter(key, TimeSpan.FromMinutes(1)); // the pass asks to come back in a minute, and runs long
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, queue.Count);
        queue.Done(key);

        Assert.Equal(["corp-ldap"], await queue.DrainAsync());
    }

    [Fact]
    public async Task AddAfter_KeysDueTogether_BecomeReadyInOrderOfDueTime()
    {
        using var queue = NewQueue();
        queue.AddAfter("third", TimeSpan.FromSeconds(3));
        queue.AddAfter("first", TimeSpan.FromSeconds(1));
        queue.AddAfter("second", TimeSpan.FromSeconds(2));
        queue.AddAfter("fourth", TimeSpan.FromSeconds(3));

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(["first", "second", "third", "fourth"], await queue.DrainAsync());
    }

    [Fact]
    public async Task Enqueue_BurstWithinTheWindow_CostsOneReconcile_AndOneThatGoesOnDuringIt_ExactlyOneMore()
    {
        using var queue = NewQueue();
        for (var i = 0; i < 100_000; i++)
        {
            queue.Enqueue("scim");
            if (i % 10_000 == 0)
            {
                _time.Advance(TimeSpan.FromMilliseconds(50)); // a burst over half a second, within the 1 s window
            }
        }

        Assert.Equal((0, 1), (queue.Count, queue.Waiting));
        _time.Advance(TimeSpan.FromSeconds(1));
        var key = await queue.TakeAsync();

        for (var i = 0; i < 100_000; i++)
        {
            queue.Enqueue("scim");
            if (i % 10_000 == 0)
            {
                _time.Advance(TimeSpan.FromMilliseconds(300)); // the reconcile takes 3 s while writes keep coming
            }
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        queue.Done(key);
        Assert.Equal(["scim"], await queue.DrainAsync());
        queue.Done(key);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal((0, 0), (queue.Count, queue.Waiting));
    }

    [Fact]
    public void Enqueue_UsesTheConfiguredCoalescingWindow()
    {
        using var queue = NewQueue(QueueTesting.Exact with { CoalescingWindow = TimeSpan.FromSeconds(10) });

        queue.Enqueue("scim");
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void AddRateLimited_DoublesFromTheBaseUpToTheCap()
    {
        using var queue = NewQueue();

        var delays = Enumerable.Range(0, 12).Select(_ => queue.AddRateLimited("corp-ldap").TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300], delays);
        Assert.Equal(12, queue.Failures("corp-ldap"));
    }

    [Fact]
    public void AddRateLimited_ManyFailures_StayAtTheCap()
    {
        using var queue = NewQueue();

        for (var i = 0; i < 10_000; i++)
        {
            queue.AddRateLimited("corp-ldap");
        }

        Assert.Equal(TimeSpan.FromMinutes(5), queue.AddRateLimited("corp-ldap"));
    }

    [Fact]
    public void AddRateLimited_JitterSpreadsTheDelayWithinItsBand_AndNeverAboveTheCap()
    {
        using var low = NewQueue(new WorkQueueOptions { Random = new FixedRandom(0) });
        using var high = NewQueue(new WorkQueueOptions { Random = new FixedRandom(0.999_999) });
        using var seeded = NewQueue(new WorkQueueOptions { Random = new Random(20261201) });

        Assert.Equal(0.9, low.AddRateLimited("a").TotalSeconds, precision: 6);
        Assert.Equal(1.8, low.AddRateLimited("a").TotalSeconds, precision: 6);
        Assert.Equal(1.1, high.AddRateLimited("a").TotalSeconds, precision: 5);
        Assert.Equal(2.2, high.AddRateLimited("a").TotalSeconds, precision: 5);
        for (var failure = 0; failure < 20; failure++)
        {
            var exponential = Math.Min(Math.Pow(2, failure), 300);
            var delay = seeded.AddRateLimited("a").TotalSeconds;
            Assert.InRange(delay, exponential * 0.9, Math.Min(exponential * 1.1, 300));
        }
    }

    [Fact]
    public void AddRateLimited_KeysBackOffIndependently()
    {
        using var queue = NewQueue();
        queue.AddRateLimited("a");
        queue.AddRateLimited("a");

        Assert.Equal(TimeSpan.FromSeconds(1), queue.AddRateLimited("b"));
        Assert.Equal((2, 1), (queue.Failures("a"), queue.Failures("b")));
    }

    [Fact]
    public void AddRateLimited_MakesTheKeyReadyAfterTheChosenDelay()
    {
        using var queue = NewQueue(new WorkQueueOptions { Random = new FixedRandom(0.25) });

        var delay = queue.AddRateLimited("corp-ldap");
        _time.Advance(delay - TimeSpan.FromTicks(1));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(TimeSpan.FromSeconds(0.95), delay);
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task AddRateLimited_DoesNotPostponeAnEarlierWakeUp()
    {
        using var queue = NewQueue();
        for (var i = 0; i < 8; i++)
        {
            queue.AddRateLimited("corp-ldap"); // they collapse into one wait, due after the first delay
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        queue.Done(await queue.TakeAsync());
        queue.Enqueue("corp-ldap");
        var backoff = queue.AddRateLimited("corp-ldap");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(256), backoff);
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Forget_StartsTheNextBackoffFromTheBaseAgain()
    {
        using var queue = NewQueue();
        queue.AddRateLimited("corp-ldap");
        queue.AddRateLimited("corp-ldap");
        queue.AddRateLimited("corp-ldap");

        queue.Forget("corp-ldap");

        Assert.Equal(0, queue.Failures("corp-ldap"));
        Assert.Equal(TimeSpan.FromSeconds(1), queue.AddRateLimited("corp-ldap"));
    }
}
