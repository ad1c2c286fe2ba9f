using Microsoft.Extensions.Time.Testing;
using Reconciler.Engine.Queue;

namespace Reconciler.Engine.Tests.Queue;

/// <summary>Adding, handing out and finishing keys: dedup, dirty keys, FIFO order, removal and shutdown.</summary>
public sealed class WorkQueueTests
{
    private readonly FakeTimeProvider _time = new();

    private WorkQueue<string> NewQueue() => new(_time, QueueTesting.Exact);

    [Fact]
    public async Task Add_KeyThatIsQueued_DoesNothing()
    {
        using var queue = NewQueue();

        queue.Add("corp-ldap");
        queue.Add("hr-csv");
        queue.Add("corp-ldap");

        Assert.Equal(2, queue.Count);
        Assert.Equal(["corp-ldap", "hr-csv"], await queue.DrainAsync());
    }

    [Fact]
    public async Task GetAsync_HandsOutReadyKeysFirstInFirstOut()
    {
        using var queue = NewQueue();
        queue.Add("c");
        queue.Add("a");
        queue.Add("b");

        var first = await queue.TakeAsync();
        queue.Done(first);
        queue.Add(first); // back of the line, not its old place

        Assert.Equal("c", first);
        Assert.Equal(["a", "b", "c"], await queue.DrainAsync());
    }

    [Fact]
    public async Task Add_WhileKeyIsProcessed_HandsItOutAgainOnlyAfterDone_AndOnlyOnce()
    {
        using var queue = NewQueue();
        queue.Add("corp-ldap");
        var key = await queue.TakeAsync();

        queue.Add(key);
        queue.Add(key);
        queue.Add(key);
        var second = queue.GetAsync(CancellationToken.None).AsTask();

        Assert.Equal(0, queue.Count);
        Assert.False(second.IsCompleted, "a key being processed was handed out twice");

        queue.Done(key);

        Assert.Equal("corp-ldap", await second.KeyAsync());
        queue.Done(key);
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Waiting);
    }

    [Fact]
    public async Task Done_WithoutAnAddMeanwhile_DoesNotQueueTheKeyAgain()
    {
        using var queue = NewQueue();
        queue.Add("a");

        queue.Done(await queue.TakeAsync());

        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Done_ForAKeyThatWasNotHandedOut_DoesNothing()
    {
        using var queue = NewQueue();
        queue.Add("a");

        queue.Done("a");
        queue.Done("never-added");

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task GetAsync_WaitsForTheNextAdd()
    {
        using var queue = NewQueue();
        var first = queue.GetAsync(CancellationToken.None).AsTask();
        var second = queue.GetAsync(CancellationToken.None).AsTask();

        Assert.False(first.IsCompleted);
        queue.Add("a");
        queue.Add("b");

        Assert.Equal("a", await first.KeyAsync());
        Assert.Equal("b", await second.KeyAsync());
    }

    [Fact]
    public async Task GetAsync_WhenCancelled_ThrowsAndTheNextKeyGoesToTheNextGetter()
    {
        using var queue = NewQueue();
        using var cancel = new CancellationTokenSource();
        var cancelled = queue.GetAsync(cancel.Token).AsTask();
        var patient = queue.GetAsync(CancellationToken.None).AsTask();

        await cancel.CancelAsync();
        queue.Add("a");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal("a", await patient.KeyAsync());
    }

    [Fact]
    public async Task GetAsync_WithACancelledToken_TakesNoKey()
    {
        using var queue = NewQueue();
        queue.Add("a");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => queue.GetAsync(new CancellationToken(canceled: true)).AsTask());

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task ShutDown_ReleasesWaitingGetters()
    {
        using var queue = NewQueue();
        var waiting = queue.GetAsync(CancellationToken.None).AsTask();

        queue.ShutDown();

        Assert.True((await waiting.WaitAsync(TimeSpan.FromSeconds(30))).IsShutDown);
        Assert.True((await queue.GetAsync(CancellationToken.None)).IsShutDown);
        Assert.True(queue.IsShutDown);
    }

    [Fact]
    public async Task ShutDown_RefusesAddsAndDropsWhatWasQueued_ButKeysHandedOutCanBeDone()
    {
        using var queue = NewQueue();
        queue.Add("processing");
        var processing = await queue.TakeAsync();
        queue.Add("ready");
        queue.AddAfter("waiting", TimeSpan.FromSeconds(5));
        queue.Add(processing); // dirty: would come back after Done

        queue.ShutDown();
        queue.Add("late");
        queue.AddAfter("late", TimeSpan.FromSeconds(1));
        queue.Enqueue("late");
        queue.AddRateLimited("late");
        queue.Done(processing);
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Waiting);
        Assert.True((await queue.GetAsync(CancellationToken.None)).IsShutDown);
    }

    [Fact]
    public void ShutDown_Twice_IsHarmless()
    {
        var queue = NewQueue();

        queue.ShutDown();
        queue.ShutDown();
        queue.Dispose();

        Assert.True(queue.IsShutDown);
    }

    [Fact]
    public async Task WorkItem_OfAShutDownQueue_HasNoKey()
    {
        using var queue = NewQueue();
        queue.ShutDown();

        var item = await queue.GetAsync(CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => item.Key);
    }

    [Fact]
    public async Task Remove_DropsTheKeysReadyAndWaitingEntriesAndItsFailures()
    {
        using var queue = NewQueue();
        queue.Add("deleted");
        queue.Add("kept");
        queue.AddAfter("deleted", TimeSpan.FromSeconds(5));
        queue.AddRateLimited("deleted");

        queue.Remove("deleted");
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, queue.Waiting);
        Assert.Equal(0, queue.Failures("deleted"));
        Assert.Equal(["kept"], await queue.DrainAsync());
    }

    [Fact]
    public async Task Remove_WhileKeyIsProcessed_DoesNotQueueItAgainOnDone()
    {
        using var queue = NewQueue();
        queue.Add("deleted");
        var key = await queue.TakeAsync();
        queue.Add(key);

        queue.Remove(key);
        queue.Done(key);

        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Keys_AreComparedWithTheGivenComparer()
    {
        using var queue = new WorkQueue<string>(_time, QueueTesting.Exact, StringComparer.OrdinalIgnoreCase);

        queue.Add("Corp-LDAP");
        queue.Add("corp-ldap");

        Assert.Equal(["Corp-LDAP"], await queue.DrainAsync());
    }

    [Theory]
    [InlineData(nameof(WorkQueueOptions.BackoffBase))]
    [InlineData(nameof(WorkQueueOptions.BackoffFactor))]
    [InlineData(nameof(WorkQueueOptions.BackoffCap))]
    [InlineData(nameof(WorkQueueOptions.BackoffJitter))]
    [InlineData(nameof(WorkQueueOptions.CoalescingWindow))]
    public void Constructor_RejectsOptionsThatMakeNoSense(string option)
    {
        var options = option switch
        {
            nameof(WorkQueueOptions.BackoffBase) => new WorkQueueOptions { BackoffBase = TimeSpan.Zero },
            nameof(WorkQueueOptions.BackoffFactor) => new WorkQueueOptions { BackoffFactor = 0.5 },
            nameof(WorkQueueOptions.BackoffCap) => new WorkQueueOptions { BackoffCap = TimeSpan.FromMilliseconds(10) },
            nameof(WorkQueueOptions.BackoffJitter) => new WorkQueueOptions { BackoffJitter = double.NaN },
            _ => new WorkQueueOptions { CoalescingWindow = TimeSpan.FromSeconds(-1) },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueue<string>(_time, options));

        Assert.Equal(option, error.ParamName);
    }
}
