namespace Reconciler.Engine.Queue;

/// <summary>
/// The keys of a <see cref="WorkQueue{TKey}"/> that wait for a due time, earliest first; a key waits at most once,
/// and a second schedule only moves it earlier. Due times are <see cref="TimeProvider.GetTimestamp"/> values.
/// Not thread-safe: the queue calls it under its lock.
/// </summary>
internal sealed class WaitingKeys<TKey>(IEqualityComparer<TKey> comparer) where TKey : notnull
{
    // The dictionary is the truth; the heap may also hold stale entries (a key moved earlier, or removed), which are
    // recognised by their sequence number and skipped. The sequence also keeps keys due at the same time in FIFO order.
    private readonly Dictionary<TKey, (long Due, long Sequence)> _due = new(comparer);
    private readonly PriorityQueue<TKey, (long Due, long Sequence)> _heap = new();
    private long _sequence;

    public int Count => _due.Count;

    /// <summary>The earliest due time, or null when nothing waits.</summary>
    public long? NextDue
    {
        get
        {
            SkipStale();
            return _heap.TryPeek(out _, out var entry) ? entry.Due : null;
        }
    }

    /// <summary>Makes <paramref name="key"/> due at <paramref name="due"/> unless it is already due no later; true if it changed.</summary>
    public bool Schedule(TKey key, long due)
    {
        if (_due.TryGetValue(key, out var current) && current.Due <= due)
        {
            return false;
        }

        var entry = (due, _sequence++);
        _due[key] = entry;
        _heap.Enqueue(key, entry);
        CompactIfMostlyStale();
        return true;
    }

    public void Remove(TKey key)
    {
        if (_due.Remove(key))
        {
            CompactIfMostlyStale();
        }
    }

    /// <summary>Moves every key due at or before <paramref name="now"/> into <paramref name="due"/>, earliest first.</summary>
    public void TakeDue(long now, List<TKey> due)
    {
        while (true)
        {
            SkipStale();
            if (!_heap.TryPeek(out var key, out var entry) || entry.Due > now)
            {
                return;
            }

            _heap.Dequeue();
            _due.Remove(key);
            due.Add(key);
        }
    }

    public void Clear()
    {
        _due.Clear();
        _heap.Clear();
    }

    private void SkipStale()
    {
        while (_heap.TryPeek(out var key, out var entry) &&
               !(_due.TryGetValue(key, out var current) && current.Sequence == entry.Sequence))
        {
            _heap.Dequeue();
        }
    }

    // Stale entries are otherwise only dropped when they reach the top; keep the heap within a constant factor of
    // the live keys so that a churn of reschedules and removals cannot grow it without bound.
    private void CompactIfMostlyStale()
    {
        if (_heap.Count <= 2 * _due.Count + 64)
        {
            return;
        }

        _heap.Clear();
        foreach (var (key, entry) in _due)
        {
            _heap.Enqueue(key, entry);
        }
    }
}
