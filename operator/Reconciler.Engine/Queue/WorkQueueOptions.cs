namespace Reconciler.Engine.Queue;

/// <summary>
/// How a <see cref="WorkQueue{TKey}"/> backs off after failures and coalesces wake-ups. The defaults are
/// client-go's per-item exponential backoff (1 s doubling, capped at 5 min) with ±10% jitter, so that many keys
/// failing together (a directory outage) do not come back in lockstep.
/// </summary>
public sealed record WorkQueueOptions
{
    /// <summary>The delay after a key's first failure.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>What each further failure multiplies the delay by.</summary>
    public double BackoffFactor { get; init; } = 2;

    /// <summary>The longest delay a failure can cause, jitter included.</summary>
    public TimeSpan BackoffCap { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far a backoff delay is spread around its exponential value, as a fraction: 0.1 picks uniformly within ±10%.
    /// 0 turns jitter off.
    /// </summary>
    public double BackoffJitter { get; init; } = 0.1;

    /// <summary>
    /// Where jitter comes from. Only <see cref="Random.NextDouble"/> is called, under the queue's lock, so an unshared
    /// seeded instance (or a subclass that returns fixed values) makes delays reproducible in tests.
    /// </summary>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>
    /// How long <see cref="WorkQueue{TKey}.Enqueue"/> waits before the key becomes ready, so that every wake-up
    /// within the window (a SCIM client writing 10,000 users one by one) costs a single reconcile.
    /// </summary>
    public TimeSpan CoalescingWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws when a value would make delays meaningless (negative, shrinking, or NaN).</summary>
    public void Validate()
    {
        if (BackoffBase <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffBase), BackoffBase, "the backoff base must be positive");
        }

        if (!(BackoffFactor >= 1) || double.IsInfinity(BackoffFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffFactor), BackoffFactor, "the backoff factor must be a finite number of at least 1");
        }

        if (BackoffCap < BackoffBase)
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffCap), BackoffCap, "the backoff cap must be at least the backoff base");
        }

        if (!(BackoffJitter is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffJitter), BackoffJitter, "the jitter must be a fraction from 0 up to (not including) 1");
        }

        ArgumentNullException.ThrowIfNull(Random, nameof(Random));

        if (CoalescingWindow < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CoalescingWindow), CoalescingWindow, "the coalescing window must not be negative");
        }
    }
}
