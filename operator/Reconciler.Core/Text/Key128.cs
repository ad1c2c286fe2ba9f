using System.IO.Hashing;

namespace Reconciler.Core.Text;

/// <summary>
/// A 128-bit hash (XxHash128) that stands for an id or an email as a dictionary key, so a million of them are no
/// strings for the collector to trace. Kept as two 64-bit halves: <see cref="UInt128"/> is 16-byte aligned, which pads
/// a dictionary entry to 48 bytes where this one takes 32 (a million keys: 42 MB instead of 60).
/// </summary>
public readonly struct Key128 : IEquatable<Key128>
{
    private readonly ulong _low;
    private readonly ulong _high;

    private Key128(UInt128 value)
    {
        _low = (ulong)value;
        _high = (ulong)(value >> 64);
    }

    /// <summary>The key of some bytes; a seed kept secret makes keys a directory cannot aim collisions at.</summary>
    public static Key128 Of(ReadOnlySpan<byte> bytes, long seed = 0) => new(XxHash128.HashToUInt128(bytes, seed));

    public bool Equals(Key128 other) => _low == other._low && _high == other._high;

    public override bool Equals(object? obj) => obj is Key128 other && Equals(other);

    /// <summary>The low bits of the hash, which are spread already.</summary>
    public override int GetHashCode() => (int)_low;

    public static bool operator ==(Key128 left, Key128 right) => left.Equals(right);

    public static bool operator !=(Key128 left, Key128 right) => !left.Equals(right);

    public override string ToString() => $"{_high:x16}{_low:x16}";
}
