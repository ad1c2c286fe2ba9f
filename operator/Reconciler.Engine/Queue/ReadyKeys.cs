namespace Reconciler.Engine.Queue;

/// <summary>
/// The keys of a <see cref="WorkQueue{TKey}"/> that are ready, as a set that keeps insertion order: first in, first out,
/// each key at most once, removable from anywhere. Not thread-safe: the queue calls it under its lock.
/// </summary>
internal sealed class ReadyKeys<TKey>(IEqualityComparer<TKey> comparer) where TKey : notnull
{
    private readonly LinkedList<TKey> _order = new();
    private readonly Dictionary<TKey, LinkedListNode<TKey>> _nodes = new(comparer);

    public int Count => _order.Count;

    public bool Contains(TKey key) => _nodes.ContainsKey(key);

    /// <summary>Appends <paramref name="key"/> unless it is already there.</summary>
    public void Add(TKey key)
    {
        if (!_nodes.ContainsKey(key))
        {
            _nodes[key] = _order.AddLast(key);
        }
    }

    public bool TryTakeFirst(out TKey key)
    {
        if (_order.First is not { } first)
        {
            key = default!;
            return false;
        }

        _order.RemoveFirst();
        _nodes.Remove(first.Value);
        key = first.Value;
        return true;
    }

    public void Remove(TKey key)
    {
        if (_nodes.Remove(key, out var node))
        {
            _order.Remove(node);
        }
    }

    public void Clear()
    {
        _order.Clear();
        _nodes.Clear();
    }
}
