using System.Buffers.Binary;
using System.Collections;
using System.IO.Hashing;
using System.Text;
using Reconciler.Core.Directory;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>
/// The users a read found new or changed, in read order, findable by id — held as their stored encoding, not as
/// objects: a few hundred bytes each in memory, and past <see cref="InMemoryBytes"/> in a temporary file, so a first
/// import of a million users needs tens of megabytes here, not the full object graph. The decoded form of the
/// first <see cref="KeepDecoded"/> users is kept too, which spares small reads a second decode.
/// Not thread-safe: one read, then one reconcile, use it in turn.
/// </summary>
public sealed class ChangedUsers : IDisposable
{
    public const int KeepDecoded = 20_000;
    public const long InMemoryBytes = 32L << 20;
    private const int ChunkBytes = 1 << 20;
    private readonly long _inMemoryBytes;

    // Entry layout: fingerprint (8), id length (4), id (UTF-8), data length (4), data.
    private readonly List<byte[]> _chunks = [];
    private long _length;
    private long[] _offsets = new long[1024];
    private readonly Dictionary<ulong, int> _byId = [];
    private readonly Dictionary<ulong, List<int>> _collisions = [];
    private readonly BitArray _new = new(1024);
    private readonly BitArray _written = new(1024);
    private readonly List<ImportedUser> _decoded = [];
    private FileStream? _spill;
    private long _spilledFrom = -1;
    private byte[] _scratch = new byte[4096];

    /// <param name="inMemoryBytes">How many bytes of entries stay in memory before the rest go to a temporary file.</param>
    public ChangedUsers(long inMemoryBytes = InMemoryBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inMemoryBytes);
        _inMemoryBytes = inMemoryBytes;
    }

    public int Count { get; private set; }

    /// <summary>Users that had no imported entry in the store before this read.</summary>
    public int New { get; private set; }

    /// <summary>True once the changes outgrew memory and went on to a temporary file.</summary>
    public bool Spilled => _spill is not null;

    /// <summary>Adds a user; false (and nothing added) when its id is already here.</summary>
    public bool Add(ImportedUser user, bool isNew)
    {
        var idBytes = Encoding.UTF8.GetBytes(user.Id);
        var key = XxHash3.HashToUInt64(idBytes);
        if (Find(user.Id, key) >= 0) return false;
        var row = ImportedRow.Of(user, keepUser: false);
        var index = Count;
        Grow(index + 1);
        StartSpillIfFull(16 + idBytes.Length + row.Data.Length);
        _offsets[index] = _length;
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, row.Fingerprint);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], idBytes.Length);
        Append(header);
        Append(idBytes);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, row.Data.Length);
        Append(length);
        Append(row.Data);
        if (!_byId.TryAdd(key, index))
        {
            if (!_collisions.TryGetValue(key, out var others)) _collisions[key] = others = [];
            others.Add(index);
        }
        _new[index] = isNew;
        if (isNew) New++;
        if (index < KeepDecoded) _decoded.Add(user);
        Count++;
        return true;
    }

    public bool Contains(string id) => Find(id) is not null;

    /// <summary>The entry of a user id, or null when this read did not change it.</summary>
    public Entry? Find(string id)
    {
        var bytes = Encoding.UTF8.GetBytes(id);
        var index = Find(id, XxHash3.HashToUInt64(bytes));
        return index < 0 ? null : new Entry(this, index);
    }

    public IEnumerable<Entry> InOrder
    {
        get
        {
            for (var i = 0; i < Count; i++) yield return new Entry(this, i);
        }
    }

    /// <summary>
    /// Every entry in the order of its id's UTF-8 bytes, which is the store's key order: a first import written in
    /// this order appends to the store's tables instead of inserting all over them (a shuffled import of 200,000
    /// was 15-20% faster). Sorted by the eight bytes that follow the prefix all ids share (so ids such as
    /// <c>employee-0000001</c> are told apart at once), ties by their whole bytes. Costs 16 bytes an entry while
    /// it is sorted, and 4 an entry from then on.
    /// </summary>
    public IEnumerable<Entry> ById
    {
        get
        {
            // Sorted once: a whole plan walks the new users twice (tallies, then creates).
            if (_byIdOrder is null || _byIdOrder.Length != Count) _byIdOrder = SortById();
            foreach (var index in _byIdOrder) yield return new Entry(this, index);
        }
    }

    private int[]? _byIdOrder;

    private int[] SortById()
    {
        {
            var shared = SharedPrefixLength();
            var keys = new (ulong Key, int Index)[Count];
            for (var i = 0; i < Count; i++) keys[i] = (KeyAfter(IdBytes(i), shared), i);
            Array.Sort(keys);
            var byBytes = Comparer<(ulong Key, int Index)>.Create((a, b) => CompareIds(a.Index, b.Index));
            for (int start = 0, end; start < keys.Length; start = end)
            {
                for (end = start + 1; end < keys.Length && keys[end].Key == keys[start].Key; end++) { }
                if (end - start > 1) Array.Sort(keys, start, end - start, byBytes);
            }
            var order = new int[keys.Length];
            for (var i = 0; i < keys.Length; i++) order[i] = keys[i].Index;
            return order;
        }
    }

    private byte[] _left = new byte[256];

    /// <summary>How many leading bytes every id has in common.</summary>
    private int SharedPrefixLength()
    {
        if (Count == 0) return 0;
        var first = IdBytes(0).ToArray();
        var shared = first.Length;
        for (var i = 1; i < Count && shared > 0; i++) shared = Math.Min(shared, first.AsSpan(0, shared).CommonPrefixLength(IdBytes(i)));
        return shared;
    }

    /// <summary>The eight bytes of an id after <paramref name="skip"/>, big-endian and zero-padded, so that they sort as the bytes do.</summary>
    private static ulong KeyAfter(ReadOnlySpan<byte> id, int skip)
    {
        Span<byte> eight = stackalloc byte[8];
        eight.Clear();
        var rest = id[Math.Min(skip, id.Length)..];
        rest[..Math.Min(8, rest.Length)].CopyTo(eight);
        return BinaryPrimitives.ReadUInt64BigEndian(eight);
    }

    /// <summary>Two entries' ids by their bytes; equal ids cannot occur, the index only keeps the sort total.</summary>
    private int CompareIds(int a, int b)
    {
        var left = IdBytes(a);
        if (left.Length > _left.Length) _left = new byte[left.Length];
        left.CopyTo(_left);
        var order = _left.AsSpan(0, left.Length).SequenceCompareTo(IdBytes(b));
        return order != 0 ? order : a.CompareTo(b);
    }

    private ReadOnlySpan<byte> IdBytes(int index)
    {
        var at = _offsets[index];
        var idLength = BinaryPrimitives.ReadInt32LittleEndian(Read(at + 8, 4));
        return Read(at + 12, idLength);
    }

    /// <summary>Forgets which entries were written: an attempt that was rolled back wrote none of them.</summary>
    public void ForgetWritten() => _written.SetAll(false);

    public void Dispose() => _spill?.Dispose();

    /// <summary>One changed user: a view of its place in the store of changes.</summary>
    public readonly struct Entry(ChangedUsers owner, int index)
    {
        public int Index => index;

        public string Id => owner.IdOf(index);

        public bool IsNew => owner._new[index];

        /// <summary>True once the entry was written together with its user's registry change.</summary>
        public bool Written
        {
            get => owner._written[index];
            set => owner._written[index] = value;
        }

        /// <summary>The entry as a store writes it.</summary>
        public ImportedRow Row => owner.RowOf(index);

        /// <summary>The user, decoded straight from the stored bytes (kept ones are not decoded again).</summary>
        public ImportedUser Decode(TextPool? pool) =>
            index < owner._decoded.Count ? owner._decoded[index] : owner.DecodeAt(index, pool);
    }

    private int Find(string id, ulong key)
    {
        if (!_byId.TryGetValue(key, out var index)) return -1;
        if (IdOf(index) == id) return index;
        if (_collisions.TryGetValue(key, out var others))
        {
            foreach (var other in others)
            {
                if (IdOf(other) == id) return other;
            }
        }
        return -1;
    }

    private string IdOf(int index)
    {
        var at = _offsets[index];
        var header = Read(at, 12);
        var idLength = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        return Encoding.UTF8.GetString(Read(at + 12, idLength));
    }

    private ImportedUser DecodeAt(int index, TextPool? pool)
    {
        var at = _offsets[index];
        var idLength = BinaryPrimitives.ReadInt32LittleEndian(Read(at + 8, 4));
        var id = Encoding.UTF8.GetString(Read(at + 12, idLength));
        var dataLength = BinaryPrimitives.ReadInt32LittleEndian(Read(at + 12 + idLength, 4));
        return ImportedRow.Decode(id, Read(at + 16 + idLength, dataLength), pool);
    }

    private ImportedRow RowOf(int index)
    {
        var at = _offsets[index];
        var header = Read(at, 12);
        var fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(header);
        var idLength = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var id = Encoding.UTF8.GetString(Read(at + 12, idLength));
        var dataLength = BinaryPrimitives.ReadInt32LittleEndian(Read(at + 12 + idLength, 4));
        var data = Read(at + 16 + idLength, dataLength).ToArray();
        return ImportedRow.Stored(id, data, fingerprint);
    }

    private void Grow(int count)
    {
        if (count <= _offsets.Length) return;
        Array.Resize(ref _offsets, _offsets.Length * 2);
        _new.Length = _offsets.Length;
        _written.Length = _offsets.Length;
    }

    /// <summary>Moves on to the temporary file when an entry would not fit in memory any more (entries never straddle).</summary>
    private void StartSpillIfFull(int entryBytes)
    {
        if (_spill is not null || _length + entryBytes <= _inMemoryBytes) return;
        _spill = new FileStream(Path.Combine(Path.GetTempPath(), $"reconciler-changes-{Guid.NewGuid():n}.tmp"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _spilledFrom = _length;
    }

    /// <summary>Appends bytes at the end: into memory chunks, or the temporary file once memory is used up.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_spill is not null)
        {
            _spill.Seek(_length - _spilledFrom, SeekOrigin.Begin);
            _spill.Write(bytes);
            _length += bytes.Length;
            return;
        }
        while (!bytes.IsEmpty)
        {
            var chunk = (int)(_length / ChunkBytes);
            var offset = (int)(_length % ChunkBytes);
            if (chunk == _chunks.Count) _chunks.Add(new byte[ChunkBytes]);
            var take = Math.Min(bytes.Length, ChunkBytes - offset);
            bytes[..take].CopyTo(_chunks[chunk].AsSpan(offset));
            bytes = bytes[take..];
            _length += take;
        }
    }

    /// <summary>Bytes at a position, valid until the next read.</summary>
    private ReadOnlySpan<byte> Read(long at, int count)
    {
        if (count > _scratch.Length) _scratch = new byte[Math.Max(count, _scratch.Length * 2)];
        if (_spill is not null && at >= _spilledFrom)
        {
            _spill.Flush();
            var read = RandomAccess.Read(_spill.SafeFileHandle, _scratch.AsSpan(0, count), at - _spilledFrom);
            if (read != count) throw new IOException("the temporary file of changed users was cut short");
            return _scratch.AsSpan(0, count);
        }
        var chunk = (int)(at / ChunkBytes);
        var offset = (int)(at % ChunkBytes);
        if (offset + count <= ChunkBytes) return _chunks[chunk].AsSpan(offset, count);
        var copied = 0;
        while (copied < count)
        {
            var take = Math.Min(count - copied, ChunkBytes - offset);
            _chunks[chunk].AsSpan(offset, take).CopyTo(_scratch.AsSpan(copied));
            copied += take;
            chunk++;
            offset = 0;
        }
        return _scratch.AsSpan(0, count);
    }
}
