using System.ComponentModel;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Status;

/// <summary>The status of the desired state itself: which revision is in force, or why the latest one is not.</summary>
public sealed record ConfigurationStatus : ResourceStatus
{
    [Description("Revision of the configuration the last reconcile used.")]
    public string Revision { get; init; } = "";

    public int Resources { get; init; }

    [Description("Why the latest configuration was refused, one line per error; empty when it is valid.")]
    public List<string> Errors { get; init; } = [];
}

/// <summary>
/// Reports on the configuration as a whole, so `status` shows when an edit broke it: the resources then keep
/// the status of the last valid revision, and this row says the newer one is stalled on its errors.
/// </summary>
public static class ConfigurationReport
{
    public const string Kind = "Configuration";

    /// <summary>The key of the status row of the configuration at a location (it has no namespace).</summary>
    public static ResourceKey Key(string location) => new(Kind, "", location);
    private const int ErrorsKept = 20;

    public static ResourceReport Valid(string name, DesiredState desired, DateTimeOffset now, IReadOnlyList<Condition>? previous)
    {
        var count = desired.All.Count();
        var message = $"revision {desired.Revision}: {count} resources";
        return new ResourceReport(Key(name), new ConfigurationStatus
        {
            Revision = desired.Revision,
            Resources = count,
            Conditions =
            [
                Conditions.Make(Condition.Ready, ConditionStatus.True, "Valid", message, 0, now, previous),
                Conditions.Make(Condition.Stalled, ConditionStatus.False, "Valid", "", 0, now, previous),
            ],
        }, message);
    }

    public static ResourceReport Invalid(string name, string? lastRevision, IReadOnlyList<string> errors, DateTimeOffset now,
        IReadOnlyList<Condition>? previous)
    {
        var message = $"{errors.Count} error(s), first: {errors.FirstOrDefault()}; still reconciling revision {lastRevision ?? "(none)"}";
        return new ResourceReport(Key(name), new ConfigurationStatus
        {
            Revision = lastRevision ?? "",
            Errors = errors.Take(ErrorsKept).ToList(),
            Conditions =
            [
                Conditions.Make(Condition.Ready, ConditionStatus.False, "InvalidConfiguration", message, 0, now, previous),
                Conditions.Make(Condition.Stalled, ConditionStatus.True, "InvalidConfiguration",
                    "fix the configuration: nothing is reconciled until it is valid", 0, now, previous),
            ],
        }, message);
    }
}
