using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Engine.Telemetry;
using Reconciler.Http.Telemetry;

namespace Reconciler.Cli.Hosting;

/// <summary>What the engine reports, exported by the HTTP host's Prometheus registry.</summary>
internal sealed class EngineMetrics(ReconcilerMetrics metrics) : IEngineMetrics
{
    public void ObserveReconcile(string kind, TimeSpan duration, string outcome) => metrics.ObserveReconcile(kind, duration, outcome);
    public void ObserveSync(string source, DateTimeOffset at, int users, bool error) => metrics.ObserveSync(source, at, users, error);
    public void ForgetSource(string source) => metrics.RemoveSource(source);
    public void SetUsersPerState(IReadOnlyDictionary<UserState, int> counts) => metrics.SetUsersPerState(counts);
    public void SetPlanChanges(PlanSummary summary) => metrics.SetPlanChanges(summary);
    public void SetWorkQueue(int ready, int waiting) => metrics.SetWorkQueue(ready, waiting);
    public void ObserveRequeue(string reason) => metrics.ObserveRequeue(reason);
}
