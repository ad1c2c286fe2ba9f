namespace Reconciler.Connectors.Ldap;

/// <summary>
/// The groups under <c>spec.ldap.groupBaseDN</c> and who they list as members (users and other groups), so a user's
/// groups are the ones that name them (directly or through memberOf) and, transitively, every group containing those.
/// Cycles (a group nested in itself through others) are cut; each group's closure is computed once.
/// </summary>
public sealed class GroupGraph
{
    private static readonly StringComparer Dn = StringComparer.OrdinalIgnoreCase;

    // member DN -> the groups that list it directly
    private readonly Dictionary<string, List<string>> _containing = new(Dn);
    private readonly Dictionary<string, string[]> _closure = new(Dn);
    private readonly HashSet<string> _groups = new(Dn);

    public int Count => _groups.Count;

    public static GroupGraph Empty { get; } = new();

    /// <summary>Records a group and its member DNs (member or uniqueMember values).</summary>
    public void Add(string groupDn, IEnumerable<string> members)
    {
        var group = DistinguishedName.Canonical(groupDn);
        _groups.Add(group);
        foreach (var member in members)
        {
            var key = DistinguishedName.Canonical(StripUniqueId(member));
            if (!_containing.TryGetValue(key, out var list)) _containing[key] = list = [];
            if (!list.Contains(group, Dn)) list.Add(group);
        }
    }

    /// <summary>
    /// The user's groups, nested ones expanded: those listing the user, those its memberOf names, and every group that
    /// contains one of them. Canonical DNs, no duplicates, in a stable order.
    /// </summary>
    public IReadOnlyList<string> GroupsOf(string userDn, IEnumerable<string> memberOf)
    {
        // A user is in a handful of groups: a list beats a set, and known groups share one string across users.
        var result = new List<string>();
        foreach (var name in memberOf) Include(result, DistinguishedName.Canonical(name));
        if (_containing.Count > 0) foreach (var group in Direct(DistinguishedName.Canonical(userDn))) Include(result, group);
        return result;
    }

    private void Include(List<string> result, string group)
    {
        if (_groups.TryGetValue(group, out var known)) group = known;
        if (Contains(result, group)) return;
        result.Add(group);
        foreach (var outer in Closure(group))
        {
            if (!Contains(result, outer)) result.Add(outer);
        }
    }

    private static bool Contains(List<string> groups, string group)
    {
        foreach (var existing in groups)
        {
            if (Dn.Equals(existing, group)) return true;
        }
        return false;
    }

    private IEnumerable<string> Direct(string dn) => _containing.TryGetValue(dn, out var groups) ? groups : [];

    /// <summary>Every group that contains <paramref name="group"/>, transitively (not the group itself).</summary>
    private string[] Closure(string group)
    {
        // Without member lists there is nothing to nest (and Empty, shared by every read, is never written to).
        if (_containing.Count == 0) return [];
        if (_closure.TryGetValue(group, out var done)) return done;
        var found = new List<string>();
        var seen = new HashSet<string>(Dn) { group };
        var pending = new Stack<string>(Direct(group));
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (!seen.Add(next)) continue;
            found.Add(next);
            if (_closure.TryGetValue(next, out var known))
            {
                // Already worked out: take it whole instead of walking it again.
                foreach (var outer in known)
                {
                    if (seen.Add(outer)) found.Add(outer);
                }
                continue;
            }
            foreach (var outer in Direct(next)) pending.Push(outer);
        }
        var closure = found.ToArray();
        _closure[group] = closure;
        return closure;
    }

    /// <summary>uniqueMember values may end in an optional UID ("#'0101'B"); the DN is what names the member.</summary>
    private static string StripUniqueId(string member)
    {
        var hash = member.LastIndexOf("#'", StringComparison.Ordinal);
        return hash > 0 && member.EndsWith("'B", StringComparison.Ordinal) ? member[..hash] : member;
    }
}
