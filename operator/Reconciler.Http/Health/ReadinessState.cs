namespace Reconciler.Http.Health;

/// <summary>
/// Whether the reconciler is ready to serve: not until the first reconcile has finished.
/// Written by the reconcile loop, read by <c>GET /readyz</c> on any thread.
/// </summary>
public sealed class ReadinessState
{
    public const string FirstReconcilePending = "first reconcile has not finished";

    // null means ready; otherwise why not. Reference writes are atomic; Volatile makes them visible at once.
    private string? _notReadyReason = FirstReconcilePending;

    public bool IsReady => Volatile.Read(ref _notReadyReason) is null;

    /// <summary>Why the reconciler is not ready, or null when it is.</summary>
    public string? NotReadyReason => Volatile.Read(ref _notReadyReason);

    public void MarkReady() => Volatile.Write(ref _notReadyReason, null);

    /// <summary>Takes readiness back, e.g. when the store became unreachable. The reason is shown by /readyz.</summary>
    public void MarkNotReady(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Volatile.Write(ref _notReadyReason, reason);
    }
}
