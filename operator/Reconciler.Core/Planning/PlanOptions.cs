namespace Reconciler.Core.Planning;

/// <param name="Now">Time stamped on created and changed users; Core never reads the clock.</param>
/// <param name="AllowDeletions">Acknowledges removals beyond a source's deletion guard.</param>
public sealed record PlanOptions(DateTimeOffset Now, bool AllowDeletions = false);
