using System.IO.Hashing;
using System.Text;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Csv;

/// <summary>
/// The cursor of a CSV read: a hash (XXH128) of everything that decides which users the read yields — the reader's
/// format version, the source's attribute mapping and the file's bytes — followed by the file's length and
/// modification time. Equal hashes mean an equal result, so an unchanged file need not be parsed again; another length
/// or time means the file was written, so a changed file is parsed at once instead of being hashed first.
/// </summary>
internal static class CsvFingerprint
{
    /// <summary>Raise it whenever the reader would turn the same bytes into different users or problems.</summary>
    public const string FormatVersion = "csv-1";

    /// <summary>A hash that holds the format version and the mapping; the file's bytes are appended as they are read.</summary>
    public static XxHash128 Start(AttributeMapping? mapping)
    {
        var hash = new XxHash128();
        hash.Append(Encoding.UTF8.GetBytes(FormatVersion + "\n" + Describe(mapping) + "\n"));
        return hash;
    }

    public static string Finish(XxHash128 hash, long length, DateTime modified) =>
        $"{FormatVersion}:{Convert.ToHexStringLower(hash.GetCurrentHash())}:{Stamp(length, modified)}";

    /// <summary>
    /// False when the file cannot be what the cursor was read from (another length or modification time), so hashing
    /// it first would be wasted; true when only its hash can tell.
    /// </summary>
    public static bool MayBeUnchanged(string cursor, long length, DateTime modified) =>
        cursor.StartsWith(FormatVersion + ":", StringComparison.Ordinal) && cursor.EndsWith(":" + Stamp(length, modified), StringComparison.Ordinal);

    private static string Stamp(long length, DateTime modified) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{length}:{modified.Ticks}");

    /// <summary>Every mapping field the reader uses, length-prefixed so no two mappings describe alike (null is not "").</summary>
    private static string Describe(AttributeMapping? mapping)
    {
        if (mapping is null) return "default";
        string?[] names = [mapping.Id, mapping.UserName, mapping.Email, mapping.DisplayName, mapping.GivenName, mapping.Surname,
            mapping.Department, mapping.Title];
        return string.Join(",", names.Select(name => name is null ? "-" : $"{name.Length}:{name}"));
    }
}
