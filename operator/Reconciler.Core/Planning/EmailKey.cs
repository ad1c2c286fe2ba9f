using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Reconciler.Core.Planning;

/// <summary>
/// An email as the planner compares it — ordinal, ignoring case, which is comparing the upper-cased text — reduced
/// to 128 bits of its SHA-256, so that a plan that claims a million emails keeps sixteen bytes for each instead of the
/// email itself. SHA-256, not a fast hash: a directory cannot craft two emails that collide.
/// </summary>
internal static class EmailKey
{
    public static UInt128 Of(string email)
    {
        Span<char> upper = email.Length <= 256 ? stackalloc char[email.Length] : new char[email.Length];
        email.AsSpan().ToUpperInvariant(upper);
        var max = Encoding.UTF8.GetMaxByteCount(upper.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(upper, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }
}
