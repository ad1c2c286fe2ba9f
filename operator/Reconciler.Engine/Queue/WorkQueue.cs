namespace Reconciler.Engine.Queue;

/// <summary>
/// The engine's work queue, with the semantics of client-go's workqueue as controller-runtime uses it:
/// <list type="bullet">
/// <item>a key is queued at most once; adding a queued key does nothing;</item>
/// <item>a key handed to a worker is never handed out again until that worker calls <see cref="Done"/>; if it is added
/// meanwhile it is marked dirty and queued again by <see cref="Done"/>, so a change arriving mid-pass is neither lost
/// nor reconciled concurrently;</item>
/// <item><see cref="AddAfter"/> waits first; a key waits at most once, and the earliest due time wins;</item>
/// <item><see cref="AddRateLimited"/> backs off per key, <see cref="Forget"/> resets that after a success.</item>
/// </list>
/// Ready keys come out first in, first out. Unlike client-go, a queue that was shut down hands out nothing more,
/// even keys that were ready: workers stop promptly, and since reconciles are level-based the next start catches up.
/// All members are thread-safe. Delays run on the <see cref="TimeProvider"/>'s timers (one timer per queue),
/// so a <c>FakeTimeProvider</c> drives them in tests.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    private readonly WorkQueueOptions _options;
    private readonly Lock _lock = new();
    private readonly ReadyKeys<TKey> _ready;
    private readonly HashSet<TKey> _processing;
    private readonly HashSet<TKey> _dirty;
    private readonly Dictionary<TKey, int> _failures;
    private readonly WaitingKeys<TKey> _waiting;
    private readonly List<TKey> _fired = [];
    private readonly LinkedList<TaskCompletionSource<WorkItem<TKey>>> _getters = new();
    private readonly DueTimer _timer;
    private bool _shutDown;

    public WorkQueue(TimeProvider timeProvider, WorkQueueOptions options, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        comparer ??= EqualityComparer<TKey>.Default;

        _options = options;
        _ready = new ReadyKeys<TKey>(comparer);
        _processing = new HashSet<TKey>(comparer);
        _dirty = new HashSet<TKey>(comparer);
        _failures = new Dictionary<TKey, int>(comparer);
        _waiting = new WaitingKeys<TKey>(comparer);

        _timer = new DueTimer(timeProvider, OnTimer);
    }

    /// <summary>Keys ready to be handed out now.</summary>
    public int Count => Locked(() => _ready.Count);

    /// <summary>Keys waiting for a due time (intervals, retries, backoff, coalescing wake-ups).</summary>
    public int Waiting => Locked(() => _waiting.Count);

    /// <summary>Keys ready or handed out and not done yet (delayed keys that wait for their time are not counted).</summary>
    public int Busy => Locked(() => _ready.Count + _processing.Count);

    public bool IsShutDown => Locked(() => _shutDown);

    /// <summary>Makes <paramref name="key"/> ready, unless it already is; a key being processed is marked dirty instead.</summary>
    public void Add(TKey key)
    {
        Require(key);
        lock (_lock)
        {
            AddLocked(key);
        }
    }

    /// <summary>
    /// Adds <paramref name="key"/> once <paramref name="delay"/> has passed. If the key already waits with an earlier
    /// due time, that one stands; with a later one, this one replaces it. A delay of zero or less is <see cref="Add"/>.
    /// </summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        Require(key);
        lock (_lock)
        {
            AddAfterLocked(key, delay);
        }
    }

    /// <summary>
    /// An outside wake-up (a SCIM write, a webhook, <c>reconciler sync</c>): adds the key after the coalescing window,
    /// so every wake-up within the window costs one reconcile, and a burst that goes on during it exactly one more.
    /// </summary>
    public void Enqueue(TKey key) => AddAfter(key, _options.CoalescingWindow);

    /// <summary>After a failure: adds the key after its next backoff delay and counts the failure.</summary>
    /// <returns>The delay chosen.</returns>
    public TimeSpan AddRateLimited(TKey key)
    {
        Require(key);
        lock (_lock)
        {
            var failures = _failures.GetValueOrDefault(key);
            var delay = Backoff.Delay(_options, failures, _options.Random.NextDouble());
            _failures[key] = failures == int.MaxValue ? failures : failures + 1;
            AddAfterLocked(key, delay);
            return delay;
        }
    }

    /// <summary>After a success: the key's next failure backs off from the base delay again.</summary>
    public void Forget(TKey key)
    {
        Require(key);
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>How many times in a row the key has failed since it was last forgotten.</summary>
    public int Failures(TKey key)
    {
        Require(key);
        return Locked(() => _failures.GetValueOrDefault(key));
    }

    /// <summary>
    /// Drops everything the queue holds for a key that no longer exists: its ready and waiting entries, its dirty mark
    /// and its failures. A worker holding the key still calls <see cref="Done"/>, which then does not queue it again.
    /// </summary>
    public void Remove(TKey key)
    {
        Require(key);
        lock (_lock)
        {
            _ready.Remove(key);
            _waiting.Remove(key);
            _dirty.Remove(key);
            _failures.Remove(key);
        }
    }

    /// <summary>
    /// Waits for the next ready key, oldest first, and hands it to the caller, who must call <see cref="Done"/> with it.
    /// Returns an item with <see cref="WorkItem{TKey}.IsShutDown"/> once the queue is shut down.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled first; no key is lost.</exception>
    public ValueTask<WorkItem<TKey>> GetAsync(CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<WorkItem<TKey>>(ct);
        }

        LinkedListNode<TaskCompletionSource<WorkItem<TKey>>> getter;
        lock (_lock)
        {
            if (_shutDown)
            {
                return new ValueTask<WorkItem<TKey>>(default(WorkItem<TKey>));
            }

            if (_ready.TryTakeFirst(out var key))
            {
                _processing.Add(key);
                return new ValueTask<WorkItem<TKey>>(new WorkItem<TKey>(key));
            }

            // Continuations run on the thread pool, never inline under this lock.
            getter = _getters.AddLast(new TaskCompletionSource<WorkItem<TKey>>(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        return WaitAsync(getter, ct);
    }

    /// <summary>
    /// The worker is finished with <paramref name="key"/>. If the key was added while it was processed, it is ready
    /// again now. Calling this for a key that was not handed out does nothing.
    /// </summary>
    public void Done(TKey key)
    {
        Require(key);
        lock (_lock)
        {
            if (_processing.Remove(key) && _dirty.Remove(key) && !_shutDown)
            {
                MakeReadyLocked(key);
            }
        }
    }

    /// <summary>
    /// Stops the queue: adds are ignored from now on, ready and waiting keys are dropped, and every getter, waiting or
    /// future, gets <see cref="WorkItem{TKey}.IsShutDown"/>. Keys already handed out can still be marked
    /// <see cref="Done"/>. Calling it again does nothing.
    /// </summary>
    public void ShutDown()
    {
        List<TaskCompletionSource<WorkItem<TKey>>> getters;
        lock (_lock)
        {
            if (_shutDown)
            {
                return;
            }

            _shutDown = true;
            _ready.Clear();
            _dirty.Clear();
            _waiting.Clear();
            getters = [.. _getters];
            _getters.Clear();
        }

        _timer.Dispose();
        foreach (var getter in getters)
        {
            getter.TrySetResult(default);
        }
    }

    /// <summary>Same as <see cref="ShutDown"/>.</summary>
    public void Dispose() => ShutDown();

    private void AddLocked(TKey key)
    {
        if (_shutDown)
        {
            return;
        }

        if (_processing.Contains(key))
        {
            _dirty.Add(key);
        }
        else if (!_ready.Contains(key))
        {
            MakeReadyLocked(key);
        }
    }

    private void AddAfterLocked(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            AddLocked(key);
            return;
        }

        if (_shutDown)
        {
            return;
        }

        var now = _timer.Now;
        if (_waiting.Schedule(key, _timer.DueAt(now, delay)))
        {
            _timer.Arm(_waiting.NextDue!.Value, now);
        }
    }

    // A waiting getter takes the key at once (it only waits when nothing is ready, so FIFO holds); otherwise it queues.
    private void MakeReadyLocked(TKey key)
    {
        while (_getters.First is { } getter)
        {
            _getters.RemoveFirst();
            _processing.Add(key);
            if (getter.Value.TrySetResult(new WorkItem<TKey>(key)))
            {
                return;
            }

            _processing.Remove(key); // that getter was cancelled a moment ago; try the next
        }

        _ready.Add(key);
    }

    private async ValueTask<WorkItem<TKey>> WaitAsync(LinkedListNode<TaskCompletionSource<WorkItem<TKey>>> getter, CancellationToken ct)
    {
        await using var registration = ct.Register(static (state, token) =>
        {
            var (queue, node) = ((WorkQueue<TKey>, LinkedListNode<TaskCompletionSource<WorkItem<TKey>>>))state!;
            // Whoever completes the getter first wins: a key handed to it is returned even if cancellation follows.
            if (node.Value.TrySetCanceled(token))
            {
                lock (queue._lock)
                {
                    if (node.List is not null)
                    {
                        queue._getters.Remove(node);
                    }
                }
            }
        }, (this, getter));

        return await getter.Value.Task.ConfigureAwait(false);
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            if (_shutDown)
            {
                return;
            }

            _timer.Fired();
            var now = _timer.Now;
            _waiting.TakeDue(now, _fired);
            foreach (var key in _fired)
            {
                AddLocked(key);
            }

            _fired.Clear();
            if (_waiting.NextDue is { } next)
            {
                _timer.Arm(next, now);
            }
        }
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_lock)
        {
            return read();
        }
    }

    private static void Require(TKey key)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }
    }
}
