using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>
/// The users a read found new or changed, in read order, by id. Each is kept encoded (what the store writes); the
/// decoded form is kept too while there are few, and dropped past <see cref="KeepDecoded"/> so a first import of a
/// million users holds a few hundred bytes per user, not the full object graph.
/// </summary>
public sealed class ChangedUsers
{
    public const int KeepDecoded = 250_000;

    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly List<Entry> _inOrder = [];

    public int Count => _inOrder.Count;

    /// <summary>Users that had no imported entry in the store before this read.</summary>
    public int New { get; private set; }

    public bool Add(ImportedRow row, bool isNew)
    {
        var entry = new Entry(row, isNew);
        if (!_byId.TryAdd(row.Id, entry)) return false;
        if (_inOrder.Count >= KeepDecoded) row.Release();
        _inOrder.Add(entry);
        if (isNew) New++;
        return true;
    }

    public bool Contains(string id) => _byId.ContainsKey(id);

    public Entry? Find(string id) => _byId.GetValueOrDefault(id);

    public IEnumerable<Entry> InOrder => _inOrder;

    /// <summary>A changed user, and whether its row was already written together with its registry change.</summary>
    public sealed class Entry(ImportedRow row, bool isNew)
    {
        public ImportedRow Row { get; } = row;

        public bool IsNew { get; } = isNew;

        public bool Written { get; set; }
    }
}
