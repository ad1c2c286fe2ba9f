using Reconciler.Engine.Queue;

namespace Reconciler.Engine.Tests.Queue;

public sealed class WaitingKeysTests
{
    [Fact]
    public void TakeDue_AfterManyReschedulesAndRemovals_ReturnsEachLiveKeyOnceInDueOrder()
    {
        var waiting = new WaitingKeys<int>(EqualityComparer<int>.Default);
        for (var key = 0; key < 1_000; key++)
        {
            // Each schedule earlier than the last, so stale heap entries pile up; the key ends due at 3000 - key.
            waiting.Schedule(key, 10_000 + key);
            waiting.Schedule(key, 5_000 + key);
            waiting.Schedule(key, 3_000 - key);
        }

        for (var key = 0; key < 1_000; key += 2)
        {
            waiting.Remove(key);
        }

        var taken = new List<int>();
        waiting.TakeDue(long.MaxValue, taken);

        Assert.Equal(Enumerable.Range(0, 1_000).Where(k => k % 2 == 1).Reverse(), taken);
        Assert.Equal(0, waiting.Count);
        Assert.Null(waiting.NextDue);
    }

    [Fact]
    public void Schedule_LaterThanTheKeyIsAlreadyDue_ChangesNothing()
    {
        var waiting = new WaitingKeys<string>(StringComparer.Ordinal);

        Assert.True(waiting.Schedule("a", 10));
        Assert.False(waiting.Schedule("a", 20));
        Assert.True(waiting.Schedule("a", 5));

        Assert.Equal(5, waiting.NextDue);
        Assert.Equal(1, waiting.Count);
    }
}
