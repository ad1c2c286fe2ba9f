namespace Reconciler.Engine.Queue;

/// <summary>
/// One timer on a <see cref="TimeProvider"/> that fires no later than the earliest due time it was armed for.
/// Due times are <see cref="TimeProvider.GetTimestamp"/> values, which do not jump with the wall clock.
/// Not thread-safe: <see cref="WorkQueue{TKey}"/> calls it under its lock; the callback runs on a timer thread
/// (or inside <c>FakeTimeProvider.Advance</c>).
/// </summary>
internal sealed class DueTimer : IDisposable
{
    // Timers reject due times beyond about 49.7 days; a longer wait fires early and is armed again by the callback.
    private static readonly TimeSpan LongestDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long? _armedFor;

    public DueTimer(TimeProvider time, Action onDue)
    {
        _time = time;
        _timer = CreateTimer(time, onDue);
    }

    public long Now => _time.GetTimestamp();

    /// <summary>The timestamp <paramref name="delay"/> after <paramref name="now"/>; far-off delays saturate instead of overflowing.</summary>
    public long DueAt(long now, TimeSpan delay)
    {
        var ahead = Math.Ceiling(delay.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));
        return ahead >= long.MaxValue - now ? long.MaxValue : now + (long)ahead;
    }

    /// <summary>Makes the timer fire no later than <paramref name="due"/>; an earlier arming stands.</summary>
    public void Arm(long due, long now)
    {
        if (_armedFor is { } armed && armed <= due)
        {
            return;
        }

        _armedFor = due;
        _timer.Change(Delay(due - now), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Called by the callback before it arms again: the timer is no longer armed.</summary>
    public void Fired() => _armedFor = null;

    public void Dispose() => _timer.Dispose();

    private TimeSpan Delay(long timestampsAhead)
    {
        var ticks = Math.Ceiling(Math.Max(0, timestampsAhead) * ((double)TimeSpan.TicksPerSecond / _time.TimestampFrequency));
        return ticks >= LongestDelay.Ticks ? LongestDelay : TimeSpan.FromTicks((long)ticks);
    }

    // The timer must not capture whatever ambient state (logging scopes, activities) the queue's creator runs in.
    private static ITimer CreateTimer(TimeProvider time, Action onDue)
    {
        var suppress = !ExecutionContext.IsFlowSuppressed();
        if (suppress)
        {
            ExecutionContext.SuppressFlow();
        }

        try
        {
            return time.CreateTimer(static state => ((Action)state!)(), onDue, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            if (suppress)
            {
                ExecutionContext.RestoreFlow();
            }
        }
    }
}
