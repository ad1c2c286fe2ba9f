namespace Reconciler.Engine.Queue;

/// <summary>Per-key exponential backoff with jitter, as a pure function of the failures so far.</summary>
internal static class Backoff
{
    /// <summary>
    /// The delay before retrying a key that has failed <paramref name="previousFailures"/> times before this failure:
    /// base × factor^previousFailures, spread by ±jitter, never above the cap. The first failure (0 previous) waits
    /// the base, the next twice that, and so on.
    /// </summary>
    /// <param name="unit">A uniform random number in [0, 1) that picks where within the jitter band the delay falls.</param>
    public static TimeSpan Delay(WorkQueueOptions options, int previousFailures, double unit)
    {
        // In doubles an exponent that overflows becomes +Infinity, which the cap then clamps: no overflow checks needed.
        var exponential = options.BackoffBase.Ticks * Math.Pow(options.BackoffFactor, previousFailures);
        var jittered = exponential * (1 + options.BackoffJitter * (2 * unit - 1));
        return TimeSpan.FromTicks((long)Math.Min(jittered, options.BackoffCap.Ticks));
    }
}
