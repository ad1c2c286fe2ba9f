namespace Reconciler.Engine.Queue;

/// <summary>
/// What <see cref="WorkQueue{TKey}.GetAsync"/> hands a worker: a key to reconcile, or word that the queue was
/// shut down and the worker should stop. A worker that got a key owns it until it calls
/// <see cref="WorkQueue{TKey}.Done"/>; no other worker gets that key meanwhile.
/// </summary>
public readonly struct WorkItem<TKey> where TKey : notnull
{
    private readonly TKey _key;
    private readonly bool _hasKey;

    internal WorkItem(TKey key)
    {
        _key = key;
        _hasKey = true;
    }

    /// <summary>The queue was shut down: there is no key, and there will be none.</summary>
    public bool IsShutDown => !_hasKey;

    /// <summary>The key to reconcile.</summary>
    /// <exception cref="InvalidOperationException">The queue was shut down (<see cref="IsShutDown"/>).</exception>
    public TKey Key => _hasKey ? _key : throw new InvalidOperationException("the work queue was shut down; there is no key");

    public override string ToString() => _hasKey ? $"{_key}" : "(shut down)";
}
