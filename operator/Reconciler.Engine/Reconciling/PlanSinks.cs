using Reconciler.Core.Planning;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>
/// Writes each change into the reconcile's transaction as the planner decides it, with the user's new imported
/// entry in the same row write when this read changed it. The writes run on a thread of their own, a bounded queue
/// behind the planner, so planning and the store's work use a core each (a first import spends most of its time in
/// the store). <see cref="Complete"/> waits for the last write and rethrows the first failure (a compare-and-swap
/// that lost makes the caller plan again); until it returns, the session is used by the writing thread only for
/// writes and by the planner only for reads, which the store's write session keeps on separate connections.
/// </summary>
internal sealed class StoreSink : IPlanSink, IDisposable
{
    /// <summary>
    /// Changes handed to the writing thread at a time: a hand-over wakes a sleeping thread, which one change at a time
    /// cost more CPU than the overlap won.
    /// </summary>
    private const int BatchSize = 1024;

    /// <summary>Batches the planner may run ahead of the store: a few MB, enough to keep both threads busy.</summary>
    private const int BatchesAhead = 4;

    private readonly IStoreWriteSession _session;
    private readonly IReadOnlyDictionary<string, SourceRead> _reads;
    private readonly ApplyContext _context;
    private readonly IPlanSink? _observer;
    private readonly System.Collections.Concurrent.BlockingCollection<List<(PlanAction Change, ImportedRow? Imported)>> _queue = new(BatchesAhead);
    private List<(PlanAction Change, ImportedRow? Imported)> _batch = new(BatchSize);
    private readonly CancellationTokenSource _stop;
    private readonly Task _writing;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;
    private long _writingTicks;

    public StoreSink(IStoreWriteSession session, IReadOnlyDictionary<string, SourceRead> reads, ApplyContext context, IPlanSink? observer,
        CancellationToken cancellationToken)
    {
        _session = session;
        _reads = reads;
        _context = context;
        _observer = observer;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _writing = Task.Factory.StartNew(Write, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Time spent in the store's writes, for --debug.</summary>
    public TimeSpan Writing => TimeSpan.FromTicks(Interlocked.Read(ref _writingTicks));

    public void Add(PlanAction change)
    {
        // The changes of a read are not thread-safe: their rows are taken here, on the planner's thread.
        _batch.Add((change, TakeImported(_reads, change)));
        if (_batch.Count == BatchSize) HandOver();
        _observer?.Add(change);
    }

    /// <summary>
    /// The user's new imported entry when this read changed it and it was not written yet: it goes into the same row
    /// write as the registry change, and the snapshot's own write skips it.
    /// </summary>
    public static ImportedRow? TakeImported(IReadOnlyDictionary<string, SourceRead> reads, PlanAction change)
    {
        if (!reads.TryGetValue(change.Source, out var read) || read.Changes.Count == 0 || read.Changes.Find(change.ExternalId) is not { Written: false } entry)
        {
            return null;
        }
        entry.Written = true;
        return entry.Row;
    }

    private void HandOver()
    {
        try
        {
            _queue.Add(_batch, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            _failure?.Throw();
            throw;
        }
        _batch = new List<(PlanAction Change, ImportedRow? Imported)>(BatchSize);
    }

    /// <summary>Waits until every change is written; throws the first write's failure, or the cancellation.</summary>
    public void Complete()
    {
        if (_batch.Count > 0) HandOver();
        _queue.CompleteAdding();
        _writing.GetAwaiter().GetResult();
        _failure?.Throw();
        _stop.Token.ThrowIfCancellationRequested();
    }

    /// <summary>Stops the writing thread (after a failure of the planner) before the session goes away.</summary>
    public void Dispose()
    {
        if (!_queue.IsAddingCompleted) _queue.CompleteAdding();
        _stop.Cancel();
        _writing.GetAwaiter().GetResult();
        _stop.Dispose();
        _queue.Dispose();
    }

    private void Write()
    {
        try
        {
            foreach (var batch in _queue.GetConsumingEnumerable(_stop.Token))
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                foreach (var (change, imported) in batch)
                {
                    if (_stop.IsCancellationRequested) return;
                    _session.Apply(change, imported, _context);
                }
                Interlocked.Add(ref _writingTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Cancelled, or stopped by Dispose: nothing more is written and the transaction rolls back.
        }
        catch (Exception e)
        {
            _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            _stop.Cancel();
        }
    }
}

/// <summary>
/// Holds the changes of a plan made before the write lock (<see cref="ReconcileOptions.PlanBeforeLock"/>) until the
/// lock is held and the view it was made on is known to be current. Nothing is taken from the read's changes until
/// then, so a plan made again under the lock finds them as the read left them.
/// </summary>
internal sealed class ChangeBuffer(IReadOnlyDictionary<string, SourceRead> reads, IPlanSink next) : IPlanSink
{
    /// <summary>Changes worth holding; a plan with more is made under the lock, its writes streaming.</summary>
    public const int Limit = 4096;

    private readonly List<PlanAction> _changes = [];

    public void Add(PlanAction change)
    {
        if (_changes.Count == Limit) throw new FullException();
        _changes.Add(change);
        next.Add(change);
    }

    /// <summary>Writes the changes, in the order they were decided, into the session that holds the lock.</summary>
    public void Replay(IStoreWriteSession session, ApplyContext context)
    {
        foreach (var change in _changes) session.Apply(change, StoreSink.TakeImported(reads, change), context);
    }

    /// <summary>The plan has more changes than <see cref="Limit"/>.</summary>
    public sealed class FullException() : Exception("the plan has more changes than a plan made before the write lock holds");
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
