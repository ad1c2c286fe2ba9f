using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Csv;

/// <summary>
/// Where each user field is in a CSV export, found by header name (case-insensitive, any order). Columns that are
/// no user field become attributes, keyed by their header as written.
/// </summary>
/// <param name="Count">How many fields every row must have: the header's.</param>
internal sealed record CsvColumns(int Count)
{
    public const int Absent = -1;

    public int Id { get; private init; } = Absent;
    public int UserName { get; private init; } = Absent;
    public int Email { get; private init; } = Absent;
    public int DisplayName { get; private init; } = Absent;
    public int GivenName { get; private init; } = Absent;
    public int Surname { get; private init; } = Absent;
    public int Department { get; private init; } = Absent;
    public int Title { get; private init; } = Absent;
    public int Groups { get; private init; } = Absent;
    public int OrganizationalUnit { get; private init; } = Absent;
    public int Enabled { get; private init; } = Absent;

    /// <summary>Index and header of every column that is not a user field.</summary>
    public (int Index, string Name)[] Attributes { get; private init; } = [];

    /// <summary>
    /// Reads the header. The names of id, userName, email, displayName, givenName, surname, department and title
    /// follow the source's attribute mapping when it sets them.
    /// </summary>
    /// <param name="problem">Why the header cannot be used (without file and line), when null is returned.</param>
    public static CsvColumns? Parse(IReadOnlyList<string> header, AttributeMapping? mapping, out string? problem)
    {
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            var name = Clean(header[i]);
            if (name.Length == 0) continue;
            if (NameProblem(name, i) is { } unusable)
            {
                problem = unusable;
                return null;
            }
            if (!names.TryAdd(name, i))
            {
                problem = $"column '{SafeText.Show(name)}' appears twice";
                return null;
            }
        }

        var id = mapping?.Id ?? "id";
        var userName = mapping?.UserName ?? "userName";
        var email = mapping?.Email ?? "email";
        var missing = new[] { id, userName, email }.Where(required => !names.ContainsKey(required)).ToList();
        if (missing.Count > 0)
        {
            problem = missing.Count == 1
                ? $"missing column '{SafeText.Show(missing[0])}'"
                : $"missing columns {string.Join(", ", missing.Select(m => $"'{SafeText.Show(m)}'"))}";
            if (header.Count == 1 && header[0].Contains(';')) problem += "; the header looks separated by ';', but columns must be separated by ','";
            return null;
        }

        var used = new HashSet<int>();
        int Find(string name)
        {
            if (!names.TryGetValue(name, out var index)) return Absent;
            used.Add(index);
            return index;
        }

        var columns = new CsvColumns(header.Count)
        {
            Id = Find(id),
            UserName = Find(userName),
            Email = Find(email),
            DisplayName = Find(mapping?.DisplayName ?? "displayName"),
            GivenName = Find(mapping?.GivenName ?? "givenName"),
            Surname = Find(mapping?.Surname ?? "surname"),
            Department = Find(mapping?.Department ?? "department"),
            Title = Find(mapping?.Title ?? "title"),
            Groups = Find("groups"),
            OrganizationalUnit = Find("organizationalUnit"),
            Enabled = Find("enabled"),
        };
        problem = null;
        return columns with
        {
            Attributes = [.. names.Where(n => !used.Contains(n.Value)).OrderBy(n => n.Value).Select(n => (n.Value, n.Key))],
        };
    }

    /// <summary>
    /// A column name that no user could carry as an attribute name fails the header once, rather than every row.
    /// NULs between the letters are what a UTF-16 file without a byte-order mark looks like.
    /// </summary>
    private static string? NameProblem(string name, int index)
    {
        if (name.Length > ImportedUserCheck.MaxFieldLength)
        {
            return $"the name of column {index + 1} is {name.Length:N0} characters long; at most {ImportedUserCheck.MaxFieldLength:N0} are allowed";
        }
        if (SafeText.FirstUnsafe(name) is not { } rune) return null;
        var problem = $"the name of column {index + 1} contains the control character {SafeText.Name(rune)} ('{SafeText.Show(name, 40)}')";
        return rune.Value == 0 ? problem + "; is the file UTF-16 without a byte-order mark? Save it as UTF-8" : problem;
    }

    /// <summary>Header names are trimmed; a byte-order mark that reached the text (a file saved twice) is dropped.</summary>
    private static string Clean(string name) => name.Trim().TrimStart('\uFEFF').Trim();
}
