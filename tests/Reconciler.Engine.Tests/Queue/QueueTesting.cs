using Reconciler.Engine.Queue;

namespace Reconciler.Engine.Tests.Queue;

/// <summary>What the queue tests share: a getter that fails instead of hanging, and a random source that is not random.</summary>
internal static class QueueTesting
{
    // Only a guard against a hang: a correct queue answers at once.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Options with jitter that always lands in the middle of its band, so delays are exact.</summary>
    public static WorkQueueOptions Exact => new() { Random = new FixedRandom(0.5) };

    public static async Task<TKey> TakeAsync<TKey>(this WorkQueue<TKey> queue) where TKey : notnull
    {
        var item = await queue.GetAsync(CancellationToken.None).AsTask().WaitAsync(Patience);
        Assert.False(item.IsShutDown, "the queue was shut down");
        return item.Key;
    }

    public static async Task<TKey> KeyAsync<TKey>(this Task<WorkItem<TKey>> getter) where TKey : notnull
    {
        var item = await getter.WaitAsync(Patience);
        Assert.False(item.IsShutDown, "the queue was shut down");
        return item.Key;
    }

    /// <summary>Takes every ready key, in order, without waiting for more.</summary>
    public static async Task<List<TKey>> DrainAsync<TKey>(this WorkQueue<TKey> queue) where TKey : notnull
    {
        var keys = new List<TKey>();
        while (queue.Count > 0)
        {
            keys.Add(await queue.TakeAsync());
        }

        return keys;
    }
}

/// <summary>A <see cref="Random"/> whose <see cref="NextDouble"/> returns the given values in turn, over and over.</summary>
internal sealed class FixedRandom(params double[] values) : Random
{
    private int _next;

    public override double NextDouble() => values[_next++ % values.Length];
}
