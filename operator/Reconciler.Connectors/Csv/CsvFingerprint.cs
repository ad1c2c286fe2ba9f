using System.IO.Hashing;
using System.Text;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Csv;

/// <summary>
/// The cursor of a CSV read: a hash (XXH128) of everything that decides which users the read yields — the reader's
/// format version, the source's attribute mapping and the file's bytes. Equal cursors mean an equal result, so an
/// unchanged file need not be parsed again.
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

    public static string Finish(XxHash128 hash) => FormatVersion + ":" + Convert.ToHexStringLower(hash.GetCurrentHash());

    /// <summary>Every mapping field the reader uses, length-prefixed so no two mappings describe alike (null is not "").</summary>
    private static string Describe(AttributeMapping? mapping)
    {
        if (mapping is null) return "default";
        string?[] names = [mapping.Id, mapping.UserName, mapping.Email, mapping.DisplayName, mapping.GivenName, mapping.Surname,
            mapping.Department, mapping.Title];
        return string.Join(",", names.Select(name => name is null ? "-" : $"{name.Length}:{name}"));
    }
}
