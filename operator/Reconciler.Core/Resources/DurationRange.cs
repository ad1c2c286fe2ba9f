namespace Reconciler.Core.Resources;

/// <summary>The durations a field accepts, bounds included. Reads as "between 1s and 720h".</summary>
public sealed record DurationRange(TimeSpan Min, TimeSpan Max)
{
    public bool Contains(TimeSpan value) => value >= Min && value <= Max;

    public override string ToString() => $"between {Show(Min)} and {Show(Max)}";

    private static string Show(TimeSpan value) => value == TimeSpan.Zero ? "0s" : GoDuration.Format(value);
}
