using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Engine.Queue;
using Reconciler.Engine.Reconciling;
using Reconciler.Engine.Telemetry;
using Reconciler.Sources;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Hosting;

/// <param name="Workers">Keys reconciled at once: bounds the load on directories and the store.</param>
public sealed record EngineOptions
{
    public int Workers { get; init; } = 4;
    public WorkQueueOptions Queue { get; init; } = new();

    /// <summary>How long stopping waits for reconciles in flight; a hung directory read is abandoned after it.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The engine as a Generic Host background service (`reconciler run`, later `reconciler operator`): a work queue of
/// resource keys, a few workers that take keys and reconcile them one at a time each, a watch on the desired state
/// that enqueues what changed, and <see cref="Enqueue"/> for wake-ups from outside (SCIM writes, webhooks, `sync`).
/// A slow, hanging or throttled source holds only its own worker; one key never runs twice at once.
/// </summary>
public sealed class ReconcilerService(
    IDesiredStateSource desired,
    SourceKeyReconciler sources,
    IReconcilerStore store,
    IEngineMetrics metrics,
    TimeProvider clock,
    ILogger<ReconcilerService> logger,
    EngineOptions? options = null,
    ILeadership? leadership = null) : BackgroundService
{
    private readonly EngineOptions _options = options ?? new EngineOptions();
    private readonly WorkQueue<ResourceKey> _queue = new(clock, (options ?? new EngineOptions()).Queue);
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<ResourceKey, string> _stalled = [];
    private readonly HashSet<ResourceKey> _firstPending = [];
    private readonly Lock _lock = new();
    private volatile DesiredSnapshot? _current;

    /// <summary>Completes when every source declared at start-up has been reconciled once (readiness).</summary>
    public Task FirstPass => _firstPass.Task;

    /// <summary>How many times the desired state was loaded and its sources queued.</summary>
    public int Loads => Volatile.Read(ref _loads);

    private int _loads;

    /// <summary>Completes when the desired state was first loaded and its sources queued.</summary>
    public Task Loaded => _loaded.Task;

    /// <summary>Reconciles running or ready to run (keys waiting for their time are not counted).</summary>
    public int Busy => _queue.Busy;

    /// <summary>The desired state being reconciled; null until it is first loaded.</summary>
    public DesiredSnapshot? Current => _current;

    /// <summary>Asks for a reconcile of a key soon; wake-ups within the queue's coalescing window make one reconcile.</summary>
    public void Enqueue(ResourceKey key)
    {
        _queue.Enqueue(key);
        metrics.ObserveRequeue("wake");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (leadership is not null)
        {
            logger.LogInformation("waiting to lead before reconciling");
            await leadership.WaitForLeadershipAsync(stoppingToken);
        }
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leadership?.LeadershipLost ?? CancellationToken.None);
        var token = lost.Token;
        try
        {
            await LoadAsync(changed: null, first: true, token);
            _loaded.TrySetResult();
            var watch = WatchAsync(token);
            var workers = Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(i => WorkAsync(i, token)).ToList();
            await Task.WhenAny(Task.WhenAll(workers), watch, Task.Delay(Timeout.Infinite, token));
            _queue.ShutDown();
            // Reconciles in flight finish or notice the cancellation; a read stuck in a system call is abandoned.
            await Task.WhenAny(Task.WhenAll(workers), Task.Delay(_options.StopTimeout, CancellationToken.None));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.ShutDown();
            _loaded.TrySetResult();
            _firstPass.TrySetResult();
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyCollection<string> changed;
            try
            {
                changed = await desired.WaitForChangeAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await LoadAsync(changed, first: false, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("could not load the configuration from {Location}: {Message}", desired.Location, e.Message);
            }
        }
    }

    /// <summary>
    /// Loads the desired state, records the configuration's own status, and enqueues what may need reconciling:
    /// every source (a quiet source costs a fingerprint), except stalled ones whose inputs did not change.
    /// </summary>
    private async Task LoadAsync(IReadOnlyCollection<string>? changed, bool first, CancellationToken cancellationToken)
    {
        var snapshot = await desired.LoadAsync(cancellationToken);
        var stored = await store.LoadStatusesAsync(cancellationToken);
        var previous = stored.ToDictionary(s => s.Key);
        var valid = SpecGenerations.Assign(snapshot.Valid, key =>
            previous.TryGetValue(StatusJson.KeyOf(key), out var s) ? new SpecGeneration(s.SpecHash, s.Generation) : null);
        snapshot = snapshot with { Valid = valid };
        var before = _current;
        _current = snapshot;
        await RecordConfigurationAsync(snapshot, previous, cancellationToken);
        await ForgetUndeclaredAsync(before, snapshot, stored, cancellationToken);

        var keys = snapshot.Valid.Sources.Select(s => s.Key)
            .Concat(snapshot.Broken.Keys.Where(k => k.Kind == DirectorySource.KindName))
            .Distinct()
            .ToList();
        lock (_lock)
        {
            if (first) _firstPending.UnionWith(keys);
        }
        foreach (var key in keys)
        {
            var fingerprint = InputsOf(snapshot, key);
            lock (_lock)
            {
                if (_stalled.TryGetValue(key, out var stalledAt) && stalledAt == fingerprint && !Touches(changed, snapshot, key)) continue;
                _stalled.Remove(key);
            }
            if (first) _queue.Add(key);
            else Enqueue(key);
        }
        if (first && keys.Count == 0) _firstPass.TrySetResult();
        Interlocked.Increment(ref _loads);
        logger.LogInformation("configuration {Location} revision {Revision}: {Count} resources, {Errors} error(s)",
            desired.Location, snapshot.Valid.Revision, snapshot.Valid.All.Count(), snapshot.Errors.Count);
    }

    private async Task WorkAsync(int worker, CancellationToken cancellationToken)
    {
        while (true)
        {
            WorkItem<ResourceKey> item;
            try
            {
                item = await _queue.GetAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (item.IsShutDown) return;
            var key = item.Key;
            try
            {
                await ReconcileAsync(key, cancellationToken);
            }
            finally
            {
                _queue.Done(key);
                metrics.SetWorkQueue(_queue.Count, _queue.Waiting);
                MarkFirstPass(key);
            }
        }
    }

    /// <summary>One reconcile of one key, and the one place its failure is classified and scheduled.</summary>
    private async Task ReconcileAsync(ResourceKey key, CancellationToken cancellationToken)
    {
        var snapshot = _current;
        if (snapshot is null) return;
        var generation = snapshot.Valid.Source(key)?.Metadata.Generation ?? 0;
        using var scope = logger.BeginScope(new ReconcileScope(key, generation, snapshot.Valid.Revision));
        var watch = Stopwatch.StartNew();
        KeyResult result;
        try
        {
            result = await sources.ReconcileAsync(key, snapshot, read => RetryIn(key, read), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            var classified = ErrorClassifier.Classify(e);
            logger.LogError("reconcile of {Key} failed ({Class}): {Message}", key, classified.Class, classified.Message);
            logger.LogDebug(e, "reconcile of {Key} failed", key);
            result = new KeyResult(KeyOutcome.Failed, classified.RetryAfter, classified.Class, classified.Message);
        }
        Schedule(key, snapshot, result, watch.Elapsed);
    }

    private void Schedule(ResourceKey key, DesiredSnapshot snapshot, KeyResult result, TimeSpan took)
    {
        var outcome = result.Outcome == KeyOutcome.Failed ? ErrorClassifier.Label(result.Error ?? ErrorClass.Transient) : "success";
        if (result.Reconcile is { } reconciled)
        {
            metrics.SetPlanChanges(reconciled.Plan.Summary);
            metrics.SetUsersPerState(reconciled.Users.ToDictionary());
            foreach (var waiting in reconciled.SourcesWithConflicts)
            {
                if (snapshot.Valid.Source(waiting) is { } other) Enqueue(other.Key);
            }
        }
        switch (result.Outcome)
        {
            case KeyOutcome.Success:
                _queue.Forget(key);
                _queue.AddAfter(key, result.RequeueAfter ?? TimeSpan.FromHours(1));
                metrics.ObserveRequeue("interval");
                metrics.ObserveSync(key.QualifiedName, clock.GetUtcNow(), result.UsersSeen, error: false);
                logger.LogInformation("reconciled {Key}: {Summary}; {Seconds:0.00} s; next in {Next}", key, result.Message, took.TotalSeconds,
                    GoDuration.Format(result.RequeueAfter ?? TimeSpan.FromHours(1)));
                break;
            case KeyOutcome.Failed when result.Error == ErrorClass.Waiting:
                var after = result.RequeueAfter ?? TimeSpan.FromSeconds(30);
                _queue.AddAfter(key, after);
                metrics.ObserveRequeue("retry");
                metrics.ObserveSync(key.QualifiedName, clock.GetUtcNow(), result.UsersSeen, error: true);
                logger.LogWarning("{Key} waits: {Message}; retrying in {After}", key, result.Message, GoDuration.Format(after));
                break;
            case KeyOutcome.Failed when result.Error == ErrorClass.Stalling:
                _queue.Forget(key);
                lock (_lock) _stalled[key] = InputsOf(snapshot, key);
                metrics.ObserveSync(key.QualifiedName, clock.GetUtcNow(), result.UsersSeen, error: true);
                logger.LogError("{Key} is stalled: {Message}; it is retried when its configuration or secret changes", key, result.Message);
                break;
            case KeyOutcome.Failed:
                var delay = _queue.AddRateLimited(key);
                metrics.ObserveRequeue("backoff");
                metrics.ObserveSync(key.QualifiedName, clock.GetUtcNow(), result.UsersSeen, error: true);
                logger.LogWarning("{Key} failed: {Message}; retrying in {Delay}", key, result.Message, GoDuration.Format(delay));
                break;
            case KeyOutcome.Idle:
                _queue.Forget(key);
                lock (_lock) _stalled[key] = InputsOf(snapshot, key);
                logger.LogInformation("{Key}: {Message}", key, result.Message);
                break;
            case KeyOutcome.Gone:
                _queue.Remove(key);
                metrics.ForgetSource(key.QualifiedName);
                break;
        }
        // Last, once the key is scheduled: whoever watches the count sees a reconcile that is wholly done.
        metrics.ObserveReconcile(key.Kind, took, outcome);
    }

    /// <summary>The delay a failed read will be retried after, for its status to say.</summary>
    private TimeSpan? RetryIn(ResourceKey key, SourceRead read) => read.Failure switch
    {
        ErrorClass.Waiting => read.RetryAfter ?? TimeSpan.FromSeconds(30),
        ErrorClass.Transient => TimeSpan.FromTicks((long)Math.Min(_options.Queue.BackoffCap.Ticks,
            _options.Queue.BackoffBase.Ticks * Math.Pow(_options.Queue.BackoffFactor, _queue.Failures(key)))),
        _ => null,
    };

    private void MarkFirstPass(ResourceKey key)
    {
        lock (_lock)
        {
            if (!_firstPending.Remove(key) || _firstPending.Count > 0) return;
        }
        _firstPass.TrySetResult();
    }

    /// <summary>
    /// What a stalled key waits to change: its spec and everything its plan depends on. A stalled key is retried
    /// when this moves or a file it refers to changed.
    /// </summary>
    private static string InputsOf(DesiredSnapshot snapshot, ResourceKey key)
    {
        var source = snapshot.Valid.Source(key);
        var holds = source is null ? [] : SourceKeyReconciler.Holds(snapshot, source);
        var errors = snapshot.Broken.TryGetValue(key, out var e) ? string.Join("\n", e) : "";
        return (source is null ? "" : SpecGenerations.Hash(source.Spec) + PlanFingerprint.Of(snapshot.Valid, source))
            + "|" + errors + "|" + string.Join("\n", holds);
    }

    /// <summary>Whether a change touched a file this key refers to (or could be anything).</summary>
    private static bool Touches(IReadOnlyCollection<string>? changed, DesiredSnapshot snapshot, ResourceKey key)
    {
        if (changed is null || changed.Count == 0) return false;
        var source = snapshot.Valid.Source(key);
        if (source is null) return false;
        var baseDirectory = SourceKeyReconciler.BaseDirectory(snapshot.Valid, source);
        var files = new List<string>();
        if (source.Spec.Csv?.Path is { } csv) files.Add(Path.GetFullPath(Path.Combine(baseDirectory, csv)));
        foreach (var secret in new[] { source.Spec.Ldap?.BindPassword, source.Spec.AzureAD?.ClientSecret, source.Spec.GoogleWorkspace?.ServiceAccountKey })
        {
            if (secret?.File is { } file) files.Add(Path.GetFullPath(Path.Combine(baseDirectory, file)));
        }
        return files.Any(f => changed.Contains(f));
    }

    /// <summary>The configuration's own status (its revision, or why parts of it are invalid), invalid resources', campaigns'.</summary>
    private async Task RecordConfigurationAsync(DesiredSnapshot snapshot, IReadOnlyDictionary<StatusKey, StoredStatus> previous, CancellationToken cancellationToken)
    {
        await store.SaveStatusesAsync(ConfigurationStatuses.For(desired.Location, snapshot, previous, clock.GetUtcNow()), cancellationToken);
        if (!snapshot.IsValid)
        {
            foreach (var error in snapshot.Errors.Take(20)) logger.LogError("invalid configuration: {Error}", error);
        }
    }

    /// <summary>Forgets the statuses of resources that are no longer declared (their users stay as they are).</summary>
    private async Task ForgetUndeclaredAsync(DesiredSnapshot? before, DesiredSnapshot now, IReadOnlyList<StoredStatus> stored, CancellationToken cancellationToken)
    {
        var declared = now.Valid.All.Select(r => StatusJson.KeyOf(r.Key))
            .Concat(now.Broken.Keys.Select(StatusJson.KeyOf))
            .Append(StatusJson.KeyOf(ConfigurationReport.Key(desired.Location)))
            .ToHashSet();
        if (!now.IsValid && now.UnreadableFiles.Count > 0) return;
        foreach (var status in stored.Where(s => !declared.Contains(s.Key) && s.Key.Kind != ConfigurationReport.Kind))
        {
            await store.DeleteStatusAsync(status.Key, cancellationToken);
            if (status.Key.Kind == DirectorySource.KindName)
            {
                _queue.Remove(new ResourceKey(status.Key.Kind, status.Key.Namespace, status.Key.Name));
                metrics.ForgetSource(ResourceKey.Qualify(status.Key.Namespace, status.Key.Name));
            }
        }
        _ = before;
    }

    public override void Dispose()
    {
        _queue.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// The leader hook: in the operator, only the replica holding the Lease reconciles. The service waits for
/// leadership before it starts and stops its workers when <see cref="LeadershipLost"/> fires.
/// </summary>
public interface ILeadership
{
    Task WaitForLeadershipAsync(CancellationToken cancellationToken);

    CancellationToken LeadershipLost { get; }
}
