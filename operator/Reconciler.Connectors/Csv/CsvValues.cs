namespace Reconciler.Connectors.Csv;

/// <summary>
/// Values that repeat from user to user — departments, titles, units, given names, attribute values and whole group
/// lists — kept once each, so a million users do not carry a million copies of "Engineering". Ids, user names,
/// emails, display names and surnames mostly differ from user to user; pooling them would cost more than it saves.
/// Each pool stops remembering new values past a bound, so a file of unique values costs no more than one without
/// pooling. Also counts the distinct groups of the users imported.
/// </summary>
internal sealed class CsvValues
{
    private const int MaxRemembered = 1 << 16;

    private readonly HashSet<string> groupsSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupList> groupLists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupList>.AlternateLookup<ReadOnlySpan<char>> groupListsBySpan;
    private readonly Pool groupNames = new();

    public CsvValues() => groupListsBySpan = groupLists.GetAlternateLookup<ReadOnlySpan<char>>();

    public Pool Departments { get; } = new();
    public Pool Titles { get; } = new();
    public Pool Units { get; } = new();
    public Pool GivenNames { get; } = new();
    public Pool Attributes { get; } = new();

    public int GroupsSeen => groupsSeen.Count;

    /// <summary>The groups of a groups field: split on ';', trimmed, empties dropped; the same list for the same field.</summary>
    public GroupList Groups(ReadOnlySpan<char> field)
    {
        if (field.IsEmpty) return GroupList.None;
        if (groupListsBySpan.TryGetValue(field, out var known)) return known;
        var names = new List<string>();
        foreach (var range in field.Split(';'))
        {
            var name = field[range].Trim();
            if (!name.IsEmpty) names.Add(groupNames.Get(name));
        }
        var list = new GroupList([.. names]);
        if (groupLists.Count < MaxRemembered && field.Length <= 4096) groupLists.Add(new string(field), list);
        return list;
    }

    /// <summary>Counts the groups of a user that was imported (once per list).</summary>
    public void Saw(GroupList groups)
    {
        if (groups.Counted) return;
        groupsSeen.UnionWith(groups.Names);
        groups.Counted = true;
    }

    public sealed class GroupList(string[] names)
    {
        public static readonly GroupList None = new([]) { Counted = true };

        public string[] Names { get; } = names;

        public bool Counted { get; set; }
    }

    /// <summary>Strings by value, looked up without allocating.</summary>
    public sealed class Pool
    {
        private const int MaxLength = 256;

        private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> bySpan;

        public Pool() => bySpan = values.GetAlternateLookup<ReadOnlySpan<char>>();

        public string Get(ReadOnlySpan<char> text)
        {
            if (text.IsEmpty) return "";
            if (text.Length > MaxLength) return new string(text);
            if (bySpan.TryGetValue(text, out var known)) return known;
            var value = new string(text);
            if (values.Count < MaxRemembered) values.Add(value, value);
            return value;
        }
    }
}
