using System.Text.RegularExpressions;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Matching;

/// <summary>
/// A mapping's filter compiled once per plan: group sets, attribute accessors and regular expressions are
/// prepared up front so that matching a million users allocates nothing.
/// Directory values compare case-insensitively, as LDAP, AD, Entra ID and Google do.
/// </summary>
public sealed class UserFilterMatcher
{
    /// <summary>How long a <c>Matches</c> clause may take on one value before the user is left undecided.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After this many timeouts of one clause, the clause is not run again by this matcher (one plan): every further
    /// user it would decide is undecided at once, so a pattern that backtracks on every value cannot cost a second
    /// per user of a million.
    /// </summary>
    public const int TimeoutsBeforeGivingUp = 10;

    private readonly HashSet<string>? _groups;
    private readonly IReadOnlyList<string> _groupList;
    private readonly CompiledCondition[] _conditions;
    private readonly string? _organizationalUnit;
    private readonly string? _serverFilter;
    private readonly string? _serverFilterKey;

    public UserFilterMatcher(UserFilter filter)
    {
        _groupList = filter.Groups ?? [];
        _groups = _groupList.Count > 0 ? new HashSet<string>(_groupList, StringComparer.OrdinalIgnoreCase) : null;
        _conditions = (filter.Attributes ?? []).Select((c, i) => CompiledCondition.Compile(c, i)).ToArray();
        _organizationalUnit = string.IsNullOrWhiteSpace(filter.OrganizationalUnit) ? null : filter.OrganizationalUnit.Trim();
        _serverFilter = string.IsNullOrWhiteSpace(filter.LdapFilter) ? null : filter.LdapFilter.Trim();
        _serverFilterKey = _serverFilter is null ? null : ServerFilter.Key(_serverFilter);
    }

    /// <summary>Groups the filter requires membership of (any); empty when it has no group clause.</summary>
    public IReadOnlyList<string> Groups => _groupList;

    /// <summary>Whether every clause holds. Throws <see cref="FilterTimeoutException"/> when a clause cannot decide.</summary>
    public bool Matches(ImportedUser user) => MatchesBeyondGroups(user) && InGroups(user);

    /// <summary>
    /// Evaluates every clause but the group clause, for callers that already know the user is in a group. Throws
    /// <see cref="FilterTimeoutException"/> when a clause cannot decide.
    /// </summary>
    public bool MatchesBeyondGroups(ImportedUser user)
    {
        if (_organizationalUnit is not null && !IsUnder(user.OrganizationalUnit, _organizationalUnit)) return false;
        if (_serverFilterKey is not null && user.Attributes?.ContainsKey(_serverFilterKey) != true) return false;
        foreach (var condition in _conditions)
        {
            if (!condition.Holds(user)) return false;
        }
        return true;
    }

    /// <summary>
    /// Null when the user matches; otherwise the first clause that fails, in words. Throws
    /// <see cref="FilterTimeoutException"/> when a clause cannot decide.
    /// </summary>
    public string? Explain(ImportedUser user)
    {
        if (!InGroups(user))
        {
            var has = user.Groups.Count == 0 ? "no groups" : "groups [" + string.Join(", ", user.Groups) + "]";
            return $"filter.groups: member of none of [{string.Join(", ", _groupList)}] (has {has})";
        }
        for (var i = 0; i < _conditions.Length; i++)
        {
            if (!_conditions[i].Holds(user)) return $"filter.attributes[{i}]: {_conditions[i].Describe(user)}";
        }
        if (_serverFilterKey is not null && user.Attributes?.ContainsKey(_serverFilterKey) != true)
        {
            return $"filter.ldapFilter: the directory does not match '{_serverFilter}' to this user";
        }
        if (_organizationalUnit is not null && !IsUnder(user.OrganizationalUnit, _organizationalUnit))
        {
            var ou = user.OrganizationalUnit.Length == 0 ? "none" : $"'{user.OrganizationalUnit}'";
            return $"filter.organizationalUnit: the user's unit {ou} is not under '{_organizationalUnit}'";
        }
        return null;
    }

    private bool InGroups(ImportedUser user)
    {
        if (_groups is null) return true;
        var groups = user.Groups;
        for (var i = 0; i < groups.Count; i++)
        {
            if (_groups.Contains(groups[i])) return true;
        }
        return false;
    }

    /// <summary>Subtree test for LDAP DNs (suffix after a comma) and Google orgUnitPaths (prefix before a slash).</summary>
    public static bool IsUnder(string unit, string subtree)
    {
        if (unit.Equals(subtree, StringComparison.OrdinalIgnoreCase)) return true;
        if (subtree.StartsWith('/'))
        {
            if (subtree == "/") return unit.StartsWith('/');
            return unit.Length > subtree.Length
                && unit.StartsWith(subtree, StringComparison.OrdinalIgnoreCase)
                && unit[subtree.Length] == '/';
        }
        return unit.Length > subtree.Length
            && unit.EndsWith(subtree, StringComparison.OrdinalIgnoreCase)
            && unit[unit.Length - subtree.Length - 1] == ',';
    }

    private sealed class CompiledCondition
    {
        private readonly AttributeCondition _source;
        private readonly Func<ImportedUser, string?> _read;
        private readonly HashSet<string> _values;
        private readonly string _first;
        private readonly Regex? _regex;
        private readonly int _index;
        private int _timeouts;

        private CompiledCondition(AttributeCondition source, int index)
        {
            _source = source;
            _index = index;
            _read = UserAttributes.Reader(source.Name);
            var values = source.Values ?? [];
            _values = new HashSet<string>(values, StringComparer.OrdinalIgnoreCase);
            _first = values.Count > 0 ? values[0] : "";
            if (source.Operator == FilterOperator.Matches)
            {
                _regex = new Regex(_first, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, MatchTimeout);
            }
        }

        public static CompiledCondition Compile(AttributeCondition condition, int index) => new(condition, index);

        public bool Holds(ImportedUser user)
        {
            var value = _read(user);
            return _source.Operator switch
            {
                FilterOperator.Exists => !string.IsNullOrEmpty(value),
                FilterOperator.In => value is not null && _values.Contains(value),
                FilterOperator.NotIn => value is null || !_values.Contains(value),
                FilterOperator.Equals => value is not null && value.Equals(_first, StringComparison.OrdinalIgnoreCase),
                FilterOperator.StartsWith => value is not null && value.StartsWith(_first, StringComparison.OrdinalIgnoreCase),
                FilterOperator.Matches => value is not null && IsMatch(value),
                _ => false,
            };
        }

        private bool IsMatch(string value)
        {
            if (_timeouts >= TimeoutsBeforeGivingUp) throw Timeout(tried: false);
            try
            {
                return _regex!.IsMatch(value);
            }
            catch (RegexMatchTimeoutException)
            {
                _timeouts++;
                throw Timeout(tried: true);
            }
        }

        private FilterTimeoutException Timeout(bool tried) =>
            new($"filter.attributes[{_index}]", _source.Name, _first, MatchTimeout, tried);

        public string Describe(ImportedUser user)
        {
            var value = _read(user);
            var shown = string.IsNullOrEmpty(value) ? "is empty" : $"'{value}'";
            var values = string.Join(", ", _source.Values ?? []);
            return _source.Operator switch
            {
                FilterOperator.Exists => $"{_source.Name} is empty",
                FilterOperator.In => $"{_source.Name} {shown} is not In [{values}]",
                FilterOperator.NotIn => $"{_source.Name} {shown} is one of [{values}] (NotIn)",
                FilterOperator.Equals => $"{_source.Name} {shown} does not equal '{_first}'",
                FilterOperator.StartsWith => $"{_source.Name} {shown} does not start with '{_first}'",
                FilterOperator.Matches => $"{_source.Name} {shown} does not match /{_first}/",
                _ => $"{_source.Name}: unknown operator",
            };
        }
    }
}
