using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Reconciler.Core.Directory;
using Reconciler.Core.Text;

namespace Reconciler.Store.Contract;

/// <summary>
/// An imported user as a store keeps it: its id, a compact encoding of everything else, and a fingerprint of that
/// encoding. Equal users encode to equal bytes (attributes in ordinal order), so comparing a fresh read with the
/// stored snapshot is comparing fingerprints, and only rows that differ are written.
/// </summary>
public sealed class ImportedRow
{
    private const byte FormatVersion = 1;
    private const byte EnabledFlag = 1, HasAttributesFlag = 2;

    private ImportedUser? _user;

    private ImportedRow(string id, ReadOnlyMemory<byte> data, ulong fingerprint, ImportedUser? user)
    {
        Id = id;
        Data = data;
        Fingerprint = fingerprint;
        _user = user;
    }

    public string Id { get; }

    /// <summary>The encoding the store keeps (everything but the id); never changed once the row is made.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>XxHash3 of <see cref="Data"/>.</summary>
    public ulong Fingerprint { get; }

    /// <summary>Encodes a user. With <paramref name="keepUser"/> the decoded form is kept too, saving a decode later.</summary>
    public static ImportedRow Of(ImportedUser user, bool keepUser = true)
    {
        var data = Encoded(user, out var fingerprint).ToArray();
        return new ImportedRow(user.Id, data, fingerprint, keepUser ? user : null);
    }

    /// <summary>
    /// Encodes a user into this thread's buffer, without making a row: the bytes are valid until the thread's next
    /// encoding, for a caller that copies them on (the changes of a read) or only wants the fingerprint.
    /// </summary>
    public static ReadOnlySpan<byte> Encoded(ImportedUser user, out ulong fingerprint)
    {
        var writer = Writer();
        Encode(user, writer);
        fingerprint = XxHash3.HashToUInt64(writer.WrittenSpan);
        return writer.WrittenSpan;
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _writer;

    /// <summary>One encoding buffer per thread, reused from user to user.</summary>
    private static ArrayBufferWriter<byte> Writer()
    {
        var writer = _writer ??= new ArrayBufferWriter<byte>(1024);
        writer.ResetWrittenCount();
        return writer;
    }

    /// <summary>A row as read back from a store, or kept elsewhere: <paramref name="data"/> must not change afterwards.</summary>
    public static ImportedRow Stored(string id, ReadOnlyMemory<byte> data, ulong fingerprint) => new(id, data, fingerprint, null);

    /// <summary>
    /// A 128-bit hash of a user id's UTF-8 bytes (XxHash128), which stands for the id where a read compares users with
    /// the stored ones: two of a source's ids sharing one would take some 10^19 ids.
    /// </summary>
    public static Key128 IdKey(string id)
    {
        Span<byte> small = stackalloc byte[256];
        var max = Encoding.UTF8.GetMaxByteCount(id.Length);
        var buffer = max <= small.Length ? small : new byte[max];
        return IdKey(buffer[..Encoding.UTF8.GetBytes(id, buffer)]);
    }

    /// <inheritdoc cref="IdKey(string)"/>
    public static Key128 IdKey(ReadOnlySpan<byte> utf8) => Key128.Of(utf8);

    /// <summary>The user (decoded once on first use unless it was kept).</summary>
    public ImportedUser User => _user ??= Decode(Id, Data.Span, null);

    /// <summary>Drops the decoded form, keeping only the encoding: for large reads held in memory.</summary>
    public void Release() => _user = null;

    /// <summary>Decodes without caching; <paramref name="interned"/> shares strings that repeat across users.</summary>
    public ImportedUser Decode(TextPool? interned) => _user ?? Decode(Id, Data.Span, interned);

    public static ImportedUser Decode(string id, ReadOnlySpan<byte> data, TextPool? interned)
    {
        if (data.Length == 0 || data[0] != FormatVersion)
        {
            throw new FormatException($"imported user {id}: stored in an unknown format {(data.Length == 0 ? "(empty)" : data[0].ToString())}");
        }
        var reader = new Reader(data[1..], interned);
        var details = new UserDetails
        {
            UserName = reader.Text(),
            Email = reader.Text(),
            DisplayName = reader.Text(),
            GivenName = reader.Text(shared: true),
            Surname = reader.Text(),
            Department = reader.Text(shared: true),
            Title = reader.Text(shared: true),
        };
        var ou = reader.Text(shared: true);
        var flags = reader.Byte();
        var groupCount = reader.Count();
        var groups = groupCount == 0 ? [] : new string[groupCount];
        for (var i = 0; i < groupCount; i++) groups[i] = reader.Text(shared: true);
        Dictionary<string, string>? attributes = null;
        if ((flags & HasAttributesFlag) != 0)
        {
            var count = reader.Count();
            attributes = new Dictionary<string, string>(count, StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < count; i++)
            {
                var key = reader.Text(shared: true);
                attributes[key] = reader.Text();
            }
        }
        return new ImportedUser
        {
            Id = id,
            Details = details,
            OrganizationalUnit = ou,
            Enabled = (flags & EnabledFlag) != 0,
            Groups = groups,
            Attributes = attributes,
        };
    }

    private static void Encode(ImportedUser user, ArrayBufferWriter<byte> writer)
    {
        writer.GetSpan(1)[0] = FormatVersion;
        writer.Advance(1);
        var d = user.Details;
        Text(writer, d.UserName);
        Text(writer, d.Email);
        Text(writer, d.DisplayName);
        Text(writer, d.GivenName);
        Text(writer, d.Surname);
        Text(writer, d.Department);
        Text(writer, d.Title);
        Text(writer, user.OrganizationalUnit);
        writer.GetSpan(1)[0] = (byte)((user.Enabled ? EnabledFlag : 0) | (user.Attributes is null ? 0 : HasAttributesFlag));
        writer.Advance(1);
        var groups = user.Groups;
        Count(writer, groups.Count);
        // Indexed, not foreach: through the interface an enumerator would be made for every user.
        for (var i = 0; i < groups.Count; i++) Text(writer, groups[i]);
        if (user.Attributes is not { } attributes) return;
        Count(writer, attributes.Count);
        foreach (var key in attributes.Keys.Order(StringComparer.Ordinal))
        {
            Text(writer, key);
            Text(writer, attributes[key]);
        }
    }

    private static void Count(ArrayBufferWriter<byte> writer, int value)
    {
        var span = writer.GetSpan(5);
        var n = 0;
        var v = (uint)value;
        while (v >= 0x80)
        {
            span[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        span[n++] = (byte)v;
        writer.Advance(n);
    }

    private static void Text(ArrayBufferWriter<byte> writer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Count(writer, length);
        if (length == 0) return;
        Encoding.UTF8.GetBytes(value, writer.GetSpan(length));
        writer.Advance(length);
    }

    private ref struct Reader(ReadOnlySpan<byte> data, TextPool? interned)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public byte Byte() => _data[_at++];

        public int Count()
        {
            uint value = 0;
            var shift = 0;
            byte b;
            do
            {
                b = _data[_at++];
                value |= (uint)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0 && shift < 35);
            return checked((int)value);
        }

        public string Text(bool shared = false)
        {
            var length = Count();
            if (length == 0) return "";
            var bytes = _data.Slice(_at, length);
            _at += length;
            return shared && interned is not null ? interned.Get(bytes) : Encoding.UTF8.GetString(bytes);
        }
    }
}

/// <summary>
/// Shares one string instance per distinct value of fields that repeat across many users (department, title,
/// organizational unit, group names), looked up by their UTF-8 bytes so a repeat makes no string. Bounded: past
/// its capacity it stops adding and just decodes. Not thread-safe: one per reader.
/// </summary>
public sealed class TextPool(int capacity = 65_536)
{
    private readonly Dictionary<ulong, (byte[] Utf8, string Text)[]> _byHash = [];
    private int _count;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        var hash = XxHash3.HashToUInt64(utf8);
        if (_byHash.TryGetValue(hash, out var candidates))
        {
            foreach (var (bytes, text) in candidates)
            {
                if (utf8.SequenceEqual(bytes)) return text;
            }
        }
        var decoded = Encoding.UTF8.GetString(utf8);
        if (_count >= capacity) return decoded;
        (byte[], string) entry = (utf8.ToArray(), decoded);
        _byHash[hash] = candidates is null ? [entry] : [.. candidates, entry];
        _count++;
        return decoded;
    }
}
