using Reconciler.Core.Planning;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>
/// Writes each change into the reconcile's transaction as the planner decides it, with the user's new imported
/// entry in the same row write when this read changed it; keeps the first changes for display and counts the rest.
/// </summary>
internal sealed class StoreSink(
    IStoreWriteSession session, IReadOnlyDictionary<string, SourceRead> reads, ApplyContext context, IPlanSink? observer,
    CancellationToken cancellationToken) : IPlanSink
{
    public int Written { get; private set; }

    /// <summary>Time spent in the store's writes, for --debug.</summary>
    public TimeSpan Writing { get; private set; }

    public void Add(PlanAction change)
    {
        ImportedRow? imported = null;
        if (reads.TryGetValue(change.Source, out var read) && read.Changes.Count > 0 && read.Changes.Find(change.ExternalId) is { Written: false } entry)
        {
            imported = entry.Row;
            entry.Written = true;
        }
        if (Written % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        session.Apply(change, imported, context);
        Writing += System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Written++;
        observer?.Add(change);
    }
}

/// <summary>Keeps the first changes of a plan (for a table) and passes every change on.</summary>
public sealed class PlanPreview(int keep, IPlanSink? next = null) : IPlanSink
{
    private readonly List<PlanAction> _first = [];

    public IReadOnlyList<PlanAction> First => _first;

    public int Count { get; private set; }

    public void Add(PlanAction change)
    {
        if (_first.Count < keep) _first.Add(change);
        Count++;
        next?.Add(change);
    }
}
