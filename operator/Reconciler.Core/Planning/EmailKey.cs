using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Reconciler.Core.Text;

namespace Reconciler.Core.Planning;

/// <summary>
/// An email as the planner compares it — ordinal, ignoring case, which is comparing the upper-cased text — reduced
/// to a 128-bit hash, so that a plan that claims a million emails keeps sixteen bytes for each instead of the email
/// itself. XxHash128 with a seed drawn at random per process: fast (SHA-256 through the platform library cost ~3 µs an
/// email, a fifth of a first import), and a directory cannot aim at a seed it never learns. A collision would only
/// make two emails look like one to this plan — a conflict reported, or a write the store's unique index on the real
/// email refuses, which rolls the whole transaction back — never a lost or merged user.
/// </summary>
internal static class EmailKey
{
    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));

    public static Key128 Of(string email)
    {
        Span<char> upper = email.Length <= 256 ? stackalloc char[email.Length] : new char[email.Length];
        email.AsSpan().ToUpperInvariant(upper);
        return Key128.Of(MemoryMarshal.AsBytes(upper), Seed);
    }
}
