using Reconciler.Engine.Queue;

namespace Reconciler.Engine.Tests.Queue;

/// <summary>Real tasks on the real clock: many workers and producers at once.</summary>
public sealed class WorkQueueConcurrencyTests
{
    private const int Keys = 16;
    private const int Workers = 8;
    private const int Producers = 4;
    private const int Passes = 20_000;

    [Fact]
    public async Task ConcurrentWorkers_NeverHoldTheSameKey_AndNoAddIsLost()
    {
        using var queue = new WorkQueue<int>(TimeProvider.System, new WorkQueueOptions { CoalescingWindow = TimeSpan.FromMilliseconds(1) });
        var added = new int[Keys];   // bumped before every add of the key
        var seen = new int[Keys];    // what the last pass over the key saw when it started
        var holders = new int[Keys];
        var overlaps = 0;
        var passes = 0;

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var item = await queue.GetAsync(CancellationToken.None);
                if (item.IsShutDown)
                {
                    return;
                }

                var key = item.Key;
                if (Interlocked.Increment(ref holders[key]) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                Volatile.Write(ref seen[key], Volatile.Read(ref added[key]));
                Interlocked.Increment(ref passes);
                await Task.Yield(); // let others run while the key is held, on one core as on many
                Thread.SpinWait(100);
                Interlocked.Decrement(ref holders[key]);
                queue.Done(key);
            }
        })).ToArray();

        // Producers add until the workers have made enough passes, so that adds keep landing on keys being processed.
        var producers = Enumerable.Range(0, Producers).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            for (var i = 0; Volatile.Read(ref passes) < Passes; i++)
            {
                if (i % 16 == 0)
                {
                    await Task.Yield();
                }

                var key = random.Next(Keys);
                Interlocked.Increment(ref added[key]);
                switch (random.Next(10))
                {
                    case 0: queue.Enqueue(key); break;
                    case 1: queue.AddAfter(key, TimeSpan.FromMilliseconds(random.Next(3))); break;
                    default: queue.Add(key); break;
                }
            }
        })).ToArray();
        await Task.WhenAll(producers);

        // Every key's last add must be followed by a pass that saw it. The deadline only guards against a hang.
        List<int> Lagging() => Enumerable.Range(0, Keys).Where(k => Volatile.Read(ref seen[k]) != added[k]).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Lagging().Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.True(Lagging().Count == 0, $"keys whose last add was never reconciled: {string.Join(", ", Lagging())}");

        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, overlaps);
        Assert.True(passes >= Passes);
    }
}
