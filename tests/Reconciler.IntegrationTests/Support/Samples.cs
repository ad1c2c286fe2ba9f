using System.Text;

namespace Reconciler.IntegrationTests.Support;

/// <summary>
/// What config-samples should provision, worked out from its files by the rules of the README:
/// enabled users with a non-blank email are created by their winning mapping, unless it does not auto-import
/// (contractors: title starts with "Contractor", a mapping with autoImportNewUsers: false).
/// </summary>
public static class Samples
{
    /// <summary>50 rows: 2 disabled, 3 without an email, 3 contractors → 42 created.</summary>
    public const int Created = 42;

    public const string Executive = "cleo.martin@example.com";   // executives and engineering: executives wins (5 before 10)
    public const string Engineer = "eli.nakamura@example.com";   // engineering
    public const string Researcher = "sam.chen@example.com";     // research (OU under ou=research)
    public const string Salesperson = "zed.bell@example.com";    // everyone-else, row u0050, last line of the file
    public const string Contractor = "aria.diaz@example.com";    // contractors: never auto-imported
    public const string Disabled = "opal.ward@example.com";      // disabled in the directory when first seen

    public const long OneTebibyte = 1L << 40;
    public const long FiftyGibibytes = 50L << 30;

    /// <summary>Engineering's members in the sample CSV: group engineering and department R&amp;D or Platform, not executives.</summary>
    public const int EngineeringUsers = 12;

    private static readonly Lazy<IReadOnlyList<Dictionary<string, string>>> RowsOf = new(() => ReadRows(Path.Combine(Repo.ConfigSamples, "users.csv")));

    public static IReadOnlyList<Dictionary<string, string>> Rows => RowsOf.Value;

    public static IReadOnlySet<string> ExpectedEmails => Rows
        .Where(r => r["enabled"] is not ("false" or "no" or "0"))
        .Where(r => !string.IsNullOrWhiteSpace(r["email"]))
        .Where(r => !r["title"].StartsWith("Contractor", StringComparison.OrdinalIgnoreCase))
        .Select(r => r["email"])
        .ToHashSet(StringComparer.Ordinal);

    private static List<Dictionary<string, string>> ReadRows(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        var header = Split(lines[0]);
        return lines.Skip(1).Select(l =>
        {
            var fields = Split(l);
            return header.Select((h, i) => (h, v: i < fields.Count ? fields[i] : "")).ToDictionary(p => p.h, p => p.v);
        }).ToList();
    }

    /// <summary>Splits one RFC 4180 line (the samples have quoted fields with commas, no embedded newlines).</summary>
    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return fields;
    }
}
