namespace Reconciler.Core.Matching;

/// <summary>
/// A filter clause could not decide whether a user matches: its regular expression ran past its match timeout (a
/// pattern that backtracks catastrophically on this user's value). Thrown by <see cref="UserFilterMatcher"/> and
/// <see cref="SourceMappings.Winner"/>; the planner catches it and leaves the user as they are, reported as a
/// problem, so nobody is created, moved, preserved or disabled because of a match that never finished.
/// </summary>
public sealed class FilterTimeoutException(string clause, string attribute, string pattern, TimeSpan timeout, bool tried, string mapping = "")
    : Exception(Describe(mapping, clause, attribute, pattern, timeout, tried))
{
    /// <summary>The clause as a field path: <c>filter.attributes[1]</c>.</summary>
    public string Clause { get; } = clause;

    public string Attribute { get; } = attribute;

    public string Pattern { get; } = pattern;

    /// <summary>The mapping whose filter it is; empty until <see cref="SourceMappings"/> names it.</summary>
    public string Mapping { get; } = mapping;

    /// <summary>False when the clause was not run again because it had timed out too often in this plan already.</summary>
    public bool Tried { get; } = tried;

    public TimeSpan Timeout { get; } = timeout;

    public FilterTimeoutException For(string mappingName) => new(Clause, Attribute, Pattern, Timeout, Tried, mappingName);

    private static string Describe(string mapping, string clause, string attribute, string pattern, TimeSpan timeout, bool tried)
    {
        var where = mapping.Length > 0 ? $"mapping {mapping} {clause}" : clause;
        var what = tried
            ? $"matching {attribute} against /{pattern}/ took longer than {timeout.TotalSeconds:0.#} s"
            : $"{attribute} was not matched against /{pattern}/: it took longer than {timeout.TotalSeconds:0.#} s for {UserFilterMatcher.TimeoutsBeforeGivingUp} users already";
        return $"{where}: {what}";
    }
}
