using Reconciler.Core.Resources;

namespace Reconciler.Core.Status;

public static class Conditions
{
    /// <summary>A condition that keeps the previous lastTransitionTime when its status did not change.</summary>
    public static Condition Make(string type, ConditionStatus status, string reason, string message, long generation,
        DateTimeOffset now, IReadOnlyList<Condition>? previous)
    {
        var before = previous?.FirstOrDefault(c => c.Type == type);
        return new Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
            LastTransitionTime = before is not null && before.Status == status ? before.LastTransitionTime : now,
        };
    }
}
