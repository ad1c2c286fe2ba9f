namespace Reconciler.Core.Registry;

/// <summary>Registry users per state: of one source, or of all.</summary>
public sealed record StateCounts(int Active, int Preserved, int Disabled)
{
    public static readonly StateCounts Zero = new(0, 0, 0);

    public int Total => Active + Preserved + Disabled;

    public int this[UserState state] => state switch
    {
        UserState.Active => Active,
        UserState.Preserved => Preserved,
        _ => Disabled,
    };

    public IReadOnlyDictionary<UserState, int> ToDictionary() => new Dictionary<UserState, int>
    {
        [UserState.Active] = Active, [UserState.Preserved] = Preserved, [UserState.Disabled] = Disabled,
    };

    /// <summary>"42 active, 0 preserved, 0 disabled".</summary>
    public override string ToString() => $"{Active} active, {Preserved} preserved, {Disabled} disabled";
}
