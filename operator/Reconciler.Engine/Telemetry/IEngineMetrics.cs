using Reconciler.Core.Planning;
using Reconciler.Core.Registry;

namespace Reconciler.Engine.Telemetry;

/// <summary>What the engine reports as it runs; the host exports it (Prometheus in `run` and the operator).</summary>
public interface IEngineMetrics
{
    /// <summary>One reconcile of a resource kind; outcome is success, stalling, waiting or transient.</summary>
    void ObserveReconcile(string kind, TimeSpan duration, string outcome);

    /// <summary>One read of a source; a failed read only counts an error.</summary>
    void ObserveSync(string source, DateTimeOffset at, int users, bool error);

    void ForgetSource(string source);

    void SetUsersPerState(IReadOnlyDictionary<UserState, int> counts);

    void SetPlanChanges(PlanSummary summary);

    void SetWorkQueue(int ready, int waiting);

    /// <summary>A key put back on the queue: interval, retry (after Retry-After), backoff or wake.</summary>
    void ObserveRequeue(string reason);
}

/// <summary>Metrics nobody collects.</summary>
public sealed class NoMetrics : IEngineMetrics
{
    public static readonly NoMetrics Instance = new();

    public void ObserveReconcile(string kind, TimeSpan duration, string outcome) { }
    public void ObserveSync(string source, DateTimeOffset at, int users, bool error) { }
    public void ForgetSource(string source) { }
    public void SetUsersPerState(IReadOnlyDictionary<UserState, int> counts) { }
    public void SetPlanChanges(PlanSummary summary) { }
    public void SetWorkQueue(int ready, int waiting) { }
    public void ObserveRequeue(string reason) { }
}
