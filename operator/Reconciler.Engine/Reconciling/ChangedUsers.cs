using System.Buffers.Binary;
using System.Collections;
using System.Text;
using Reconciler.Core.Directory;
using Reconciler.Core.Text;
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

    /// <summary>How much of the temporary file one read takes when entries are walked in read order.</summary>
    private const int ReadAheadBytes = 64 << 10;
    private readonly long _inMemoryBytes;

    // Entry layout: fingerprint (8), id length (4), id (UTF-8), data length (4), data.
    private readonly List<byte[]> _chunks = [];
    private long _length;
    private long[] _offsets = new long[1024];
    // By ImportedRow.IdKey, as the read's comparison with the store finds users; ids that share a key (none are
    // expected) are told apart by their bytes.
    private readonly Dictionary<Key128, int> _byId = [];
    private readonly Dictionary<Key128, List<int>> _collisions = [];
    private byte[] _id = new byte[256];
    private readonly BitArray _new = new(1024);
    private readonly BitArray _written = new(1024);
    private readonly List<ImportedUser> _decoded = [];
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _spill;
    private long _spilledFrom = -1;
    private byte[] _spillBuffer = [];
    private int _spillBuffered;
    private long _spillFlushed;
    private byte[] _window = new byte[ReadAheadBytes];
    private long _windowStart = -1;
    private int _windowLength;
    private int _lastIndex = -2;
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
    public bool Add(ImportedUser user, bool isNew) => Add(user, isNew, ImportedRow.IdKey(user.Id));

    /// <inheritdoc cref="Add(ImportedUser, bool)"/>
    /// <param name="idKey">The user's <see cref="ImportedRow.IdKey(string)"/>, when the caller has it already.</param>
    public bool Add(ImportedUser user, bool isNew, Key128 idKey)
    {
        var data = ImportedRow.Encoded(user, out var fingerprint);
        return Add(user, isNew, idKey, data, fingerprint);
    }

    /// <inheritdoc cref="Add(ImportedUser, bool, Key128)"/>
    /// <param name="data">The user's encoding (<see cref="ImportedRow.Encoded"/>), copied in here.</param>
    /// <param name="fingerprint">The fingerprint of <paramref name="data"/>.</param>
    public bool Add(ImportedUser user, bool isNew, Key128 idKey, ReadOnlySpan<byte> data, ulong fingerprint)
    {
        var idBytes = Utf8(user.Id);
        if (Find(idBytes, idKey) >= 0) return false;
        var index = Count;
        Grow(index + 1);
        StartSpillIfFull(16 + idBytes.Length + data.Length);
        _offsets[index] = _length;
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, fingerprint);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], idBytes.Length);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, data.Length);
        Append(header, idBytes, length, data);
        if (!_byId.TryAdd(idKey, index))
        {
            if (!_collisions.TryGetValue(idKey, out var others)) _collisions[idKey] = others = [];
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
        var bytes = Utf8(id);
        var index = Find(bytes, ImportedRow.IdKey(bytes));
        return index < 0 ? null : new Entry(this, index, id);
    }

    /// <summary>An id's UTF-8 bytes in a buffer of this instance's, valid until the next call.</summary>
    private ReadOnlySpan<byte> Utf8(string id)
    {
        var max = Encoding.UTF8.GetMaxByteCount(id.Length);
        if (max > _id.Length) _id = new byte[Math.Max(max, _id.Length * 2)];
        return _id.AsSpan(0, Encoding.UTF8.GetBytes(id, _id));
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
        var entry = EntryBytes(index);
        return entry.Slice(12, BinaryPrimitives.ReadInt32LittleEndian(entry[8..]));
    }

    /// <summary>Forgets which entries were written: an attempt that was rolled back wrote none of them.</summary>
    public void ForgetWritten() => _written.SetAll(false);

    public void Dispose() => _spill?.Dispose();

    /// <summary>One changed user: a view of its place in the store of changes (with its id when it was found by it).</summary>
    public readonly struct Entry(ChangedUsers owner, int index, string? id = null)
    {
        public int Index => index;

        public string Id => id ?? owner.IdOf(index);

        public bool IsNew => owner._new[index];

        /// <summary>True once the entry was written together with its user's registry change.</summary>
        public bool Written
        {
            get => owner._written[index];
            set => owner._written[index] = value;
        }

        /// <summary>The entry as a store writes it.</summary>
        public ImportedRow Row => owner.RowOf(index, id);

        /// <summary>The user, decoded straight from the stored bytes (kept ones are not decoded again).</summary>
        public ImportedUser Decode(TextPool? pool) =>
            index < owner._decoded.Count ? owner._decoded[index] : owner.DecodeAt(index, pool);
    }

    /// <summary>The index of the entry whose id has these bytes, or -1. <paramref name="id"/> must not be a view of an entry.</summary>
    private int Find(ReadOnlySpan<byte> id, Key128 key)
    {
        if (!_byId.TryGetValue(key, out var index)) return -1;
        if (IdBytes(index).SequenceEqual(id)) return index;
        if (_collisions.TryGetValue(key, out var others))
        {
            foreach (var other in others)
            {
                if (IdBytes(other).SequenceEqual(id)) return other;
            }
        }
        return -1;
    }

    private string IdOf(int index) => Encoding.UTF8.GetString(IdBytes(index));

    private ImportedUser DecodeAt(int index, TextPool? pool)
    {
        var entry = EntryBytes(index);
        var idLength = BinaryPrimitives.ReadInt32LittleEndian(entry[8..]);
        var id = Encoding.UTF8.GetString(entry.Slice(12, idLength));
        return ImportedRow.Decode(id, entry[(16 + idLength)..], pool);
    }

    /// <summary>
    /// The entry as a row for the store. Its bytes are shared with the memory chunk that holds them when they lie
    /// within one (chunks are only ever appended to), copied otherwise: a row is handed to the store's writing thread
    /// while this instance goes on being read.
    /// </summary>
    private ImportedRow RowOf(int index, string? knownId)
    {
        var entry = EntryBytes(index);
        var fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(entry);
        var idLength = BinaryPrimitives.ReadInt32LittleEndian(entry[8..]);
        var id = knownId ?? Encoding.UTF8.GetString(entry.Slice(12, idLength));
        var dataStart = 16 + idLength;
        var at = _offsets[index];
        if (_spill is null || at < _spilledFrom)
        {
            var chunk = (int)(at / ChunkBytes);
            var offset = (int)(at % ChunkBytes);
            if (offset + entry.Length <= ChunkBytes)
            {
                return ImportedRow.Stored(id, _chunks[chunk].AsMemory(offset + dataStart, entry.Length - dataStart), fingerprint);
            }
        }
        return ImportedRow.Stored(id, entry[dataStart..].ToArray(), fingerprint);
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
        _spill = File.OpenHandle(Path.Combine(Path.GetTempPath(), $"reconciler-changes-{Guid.NewGuid():n}.tmp"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        _spillBuffer = new byte[ChunkBytes];
        _spilledFrom = _length;
    }

    /// <summary>
    /// Appends one entry's bytes at the end: into memory chunks, or once memory is used up into the spill buffer,
    /// which goes to the temporary file a megabyte at a time. An entry lies whole in the file or whole in the buffer.
    /// </summary>
    private void Append(ReadOnlySpan<byte> header, ReadOnlySpan<byte> id, ReadOnlySpan<byte> length, ReadOnlySpan<byte> data)
    {
        if (_spill is null)
        {
            AppendInMemory(header);
            AppendInMemory(id);
            AppendInMemory(length);
            AppendInMemory(data);
            return;
        }
        var size = header.Length + id.Length + length.Length + data.Length;
        if (_spillBuffered + size > _spillBuffer.Length) FlushSpill();
        var direct = size > _spillBuffer.Length;
        SpillPart(header, direct);
        SpillPart(id, direct);
        SpillPart(length, direct);
        SpillPart(data, direct);
        _length += size;
    }

    /// <summary>Part of an entry into the spill buffer, or straight into the file for an entry larger than the buffer.</summary>
    private void SpillPart(ReadOnlySpan<byte> part, bool direct)
    {
        if (direct)
        {
            RandomAccess.Write(_spill!, part, _spillFlushed);
            _spillFlushed += part.Length;
            return;
        }
        part.CopyTo(_spillBuffer.AsSpan(_spillBuffered));
        _spillBuffered += part.Length;
    }

    private void FlushSpill()
    {
        if (_spillBuffered == 0) return;
        RandomAccess.Write(_spill!, _spillBuffer.AsSpan(0, _spillBuffered), _spillFlushed);
        _spillFlushed += _spillBuffered;
        _spillBuffered = 0;
    }

    private void AppendInMemory(ReadOnlySpan<byte> bytes)
    {
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

    /// <summary>
    /// An entry's bytes, valid until the next call: a view of its memory chunk, or of the window last read from the
    /// temporary file. One read of the file serves an entry whole (a walk in id order lands anywhere in it), and a walk
    /// in read order reads ahead a window at a time.
    /// </summary>
    private ReadOnlySpan<byte> EntryBytes(int index)
    {
        var at = _offsets[index];
        var count = (int)((index + 1 < Count ? _offsets[index + 1] : _length) - at);
        var sequential = index == _lastIndex + 1;
        _lastIndex = index;
        if (_spill is not null && at >= _spilledFrom) return SpilledEntry(at - _spilledFrom, count, sequential);
        var chunk = (int)(at / ChunkBytes);
        var offset = (int)(at % ChunkBytes);
        if (offset + count <= ChunkBytes) return _chunks[chunk].AsSpan(offset, count);
        if (count > _scratch.Length) _scratch = new byte[Math.Max(count, _scratch.Length * 2)];
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

    private ReadOnlySpan<byte> SpilledEntry(long at, int count, bool sequential)
    {
        if (at >= _spillFlushed) return _spillBuffer.AsSpan((int)(at - _spillFlushed), count);
        if (at >= _windowStart && at + count <= _windowStart + _windowLength)
        {
            return _window.AsSpan((int)(at - _windowStart), count);
        }
        var want = (int)Math.Min(Math.Max(count, sequential ? ReadAheadBytes : 0), _spillFlushed - at);
        if (want > _window.Length) _window = new byte[Math.Max(want, _window.Length * 2)];
        var read = 0;
        while (read < want)
        {
            var n = RandomAccess.Read(_spill!, _window.AsSpan(read, want - read), at + read);
            if (n == 0) throw new IOException("the temporary file of changed users was cut short");
            read += n;
        }
        _windowStart = at;
        _windowLength = want;
        return _window.AsSpan(0, count);
    }
}
