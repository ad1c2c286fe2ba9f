using System.Security.Cryptography;
using System.Text;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// The bearer tokens Reconciler issues to identity providers: <c>scim1.SOURCE.SECRET</c>, SOURCE being the source's
/// name (base64url), so a request names the one stored hash it is compared with, and SECRET 32 random bytes
/// (base64url). Only the token's SHA-256 is stored; it is compared in constant time.
/// </summary>
public static class ScimBearerToken
{
    private const string Prefix = "scim1";

    /// <summary>Longer tokens are refused before they are hashed.</summary>
    public const int MaxLength = 1024;

    /// <summary>A new token for <paramref name="source"/> and the hash to store.</summary>
    public static (string Token, byte[] Hash) Create(string source)
    {
        var token = $"{Prefix}.{Base64Url(Encoding.UTF8.GetBytes(source))}.{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        return (token, Hash(token));
    }

    /// <summary>The source a token was issued for, when it has the form of one; null otherwise.</summary>
    public static string? SourceOf(string token)
    {
        if (token.Length > MaxLength) return null;
        var parts = token.Split('.');
        if (parts is not [Prefix, var source, var secret] || secret.Length < 40) return null;
        try
        {
            return Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(source));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Whether <paramref name="token"/> is the one whose hash is stored, compared in constant time.</summary>
    public static bool Matches(string token, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(token), storedHash);

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
