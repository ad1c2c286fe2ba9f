using Prometheus;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;

namespace Reconciler.Http.Telemetry;

/// <summary>
/// The reconciler's Prometheus metrics, in a registry of their own (never the process-wide default one),
/// so two hosts in one process, or two tests, never see each other's values.
/// Callers pass plain values; only this class knows the Prometheus types.
/// All methods are thread-safe.
/// </summary>
public sealed class ReconcilerMetrics
{
    /// <summary>Content type of the Prometheus text exposition format written by <see cref="ExportAsTextAsync"/>.</summary>
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// The kind under which <see cref="ObserveReconcile(TimeSpan, bool)"/> records a pass over the whole configuration
    /// (what <c>reconciler run</c> does until the engine reconciles per resource).
    /// </summary>
    public const string WholeConfigurationKind = "Configuration";

    private const string Unmatched = "unmatched";
    private const string Success = "success";

    // A reconcile takes from milliseconds (nothing changed) to minutes (a million users on a slow store).
    private static readonly double[] ReconcileBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private static readonly string[] PlanActions = ["create", "update", "preserve", "disable", "restore", "conflict", "blocked"];

    // The error classes of a failed reconcile (see DESIGN.md, "Error classes, one catch site").
    private static readonly string[] ErrorClasses = ["stalling", "waiting", "transient"];

    // Why a key went back into the work queue: its interval, a retry-after, backoff after a failure, an outside wake-up.
    private static readonly string[] RequeueReasons = ["interval", "retry", "backoff", "wake"];

    private static readonly HashSet<string> KnownMethods =
        new(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], StringComparer.Ordinal);

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Histogram _reconcileDuration;
    private readonly Counter _reconciles;
    private readonly Counter _reconcileErrors;
    private readonly Gauge _workQueueReady;
    private readonly Gauge _workQueueWaiting;
    private readonly Counter _requeues;
    private readonly Gauge _users;
    private readonly Gauge _sourceLastSync;
    private readonly Gauge _sourceUsers;
    private readonly Counter _sourceSyncErrors;
    private readonly Gauge _planChanges;
    private readonly Counter _httpRequests;

    public ReconcilerMetrics()
    {
        var factory = Metrics.WithCustomRegistry(_registry);

        _reconcileDuration = factory.CreateHistogram(
            "reconciler_reconcile_duration_seconds", "How long one reconcile pass took, from read to status write, by resource kind.",
            ["kind"], new HistogramConfiguration { Buckets = ReconcileBuckets });
        _reconciles = factory.CreateCounter(
            "reconciler_reconciles_total", "Reconcile passes finished, by resource kind and result (success or error).",
            ["kind", "result"]);
        _reconcileErrors = factory.CreateCounter(
            "reconciler_reconcile_errors_total",
            "Reconcile passes that failed, by resource kind and error class (stalling, waiting or transient).", ["kind", "class"]);
        _workQueueReady = factory.CreateGauge(
            "reconciler_work_queue_ready", "Resources in the work queue that are ready to be reconciled now.");
        _workQueueWaiting = factory.CreateGauge(
            "reconciler_work_queue_waiting", "Resources in the work queue that wait for an interval, a retry or a backoff.");
        _requeues = factory.CreateCounter(
            "reconciler_work_queue_requeues_total",
            "Resources put back into the work queue, by reason (interval, retry, backoff or wake).", ["reason"]);
        _users = factory.CreateGauge(
            "reconciler_users", "Users in the registry, by state (active, preserved, disabled).", ["state"]);
        _sourceLastSync = factory.CreateGauge(
            "reconciler_source_last_sync_timestamp_seconds",
            "When the directory source last synced successfully, in unix seconds.", ["source"]);
        _sourceUsers = factory.CreateGauge(
            "reconciler_source_users", "Users the directory source returned in its last successful sync.", ["source"]);
        _sourceSyncErrors = factory.CreateCounter(
            "reconciler_source_sync_errors_total", "Syncs of the directory source that failed.", ["source"]);
        _planChanges = factory.CreateGauge(
            "reconciler_plan_changes", "Changes in the last plan, by action.", ["action"]);
        _httpRequests = factory.CreateCounter(
            "reconciler_http_requests_total", "HTTP requests served, by method, route pattern and status code.",
            ["method", "route", "code"]);

        // Publish the closed label sets at zero so dashboards and rate() see them before the first event.
        foreach (var reason in RequeueReasons)
        {
            _requeues.WithLabels(reason).Publish();
        }

        SetUsersPerState(new Dictionary<UserState, int>());
        SetPlanChanges(0, 0, 0, 0, 0, 0);
    }

    /// <summary>
    /// Records one finished reconcile of a resource of <paramref name="kind"/> (<c>DirectorySource</c>, …).
    /// <paramref name="outcome"/> is <c>success</c>, or the class of the error that ended it: <c>stalling</c>,
    /// <c>waiting</c> or <c>transient</c>. The first reconcile of a kind publishes all its series, at zero where
    /// nothing happened yet, so that rate() and alerts see them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outcome"/> is none of those.</exception>
    public void ObserveReconcile(string kind, TimeSpan duration, string outcome)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(outcome);
        var success = outcome == Success;
        if (!success && !ErrorClasses.Contains(outcome, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome,
                $"a reconcile outcome is {Success} or an error class ({string.Join(", ", ErrorClasses)})");
        }

        PublishResults(kind);
        foreach (var errorClass in ErrorClasses)
        {
            _reconcileErrors.WithLabels(kind, errorClass).Publish();
        }

        _reconcileDuration.WithLabels(kind).Observe(Math.Max(0, duration.TotalSeconds));
        _reconciles.WithLabels(kind, success ? Success : "error").Inc();
        if (!success)
        {
            _reconcileErrors.WithLabels(kind, outcome).Inc();
        }
    }

    /// <summary>
    /// Records one finished pass over the whole configuration, under the kind <see cref="WholeConfigurationKind"/>.
    /// Its caller does not classify failures, so a failed pass counts in <c>reconciler_reconciles_total</c> only.
    /// </summary>
    public void ObserveReconcile(TimeSpan duration, bool success)
    {
        PublishResults(WholeConfigurationKind);
        _reconcileDuration.WithLabels(WholeConfigurationKind).Observe(Math.Max(0, duration.TotalSeconds));
        _reconciles.WithLabels(WholeConfigurationKind, success ? Success : "error").Inc();
    }

    /// <summary>Sets how many resources the work queue holds: ready to reconcile now, and waiting for a due time.</summary>
    public void SetWorkQueue(int ready, int waiting)
    {
        _workQueueReady.Set(ready);
        _workQueueWaiting.Set(waiting);
    }

    /// <summary>Counts one resource put back into the work queue, by <paramref name="reason"/>: interval, retry, backoff or wake.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is none of those.</exception>
    public void ObserveRequeue(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!RequeueReasons.Contains(reason, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason,
                $"a requeue reason is one of {string.Join(", ", RequeueReasons)}");
        }

        _requeues.WithLabels(reason).Inc();
    }

    /// <summary>Sets the number of registry users in each state; a state missing from <paramref name="counts"/> is 0.</summary>
    public void SetUsersPerState(IReadOnlyDictionary<UserState, int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var state in Enum.GetValues<UserState>())
        {
            _users.WithLabels(StateLabel(state)).Set(counts.TryGetValue(state, out var count) ? count : 0);
        }
    }

    /// <summary>
    /// Records one sync of a directory source. A failed sync only counts an error: the last-sync time and
    /// the user count keep describing the last successful sync, which is what staleness alerts need.
    /// </summary>
    public void ObserveSync(string source, DateTimeOffset at, int users, bool error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        var errors = _sourceSyncErrors.WithLabels(source);
        if (error)
        {
            errors.Inc();
            return;
        }

        errors.Publish(); // the series exists at zero from the first successful sync
        _sourceLastSync.WithLabels(source).Set(at.ToUnixTimeMilliseconds() / 1000.0);
        _sourceUsers.WithLabels(source).Set(users);
    }

    /// <summary>Drops the series of a source that is no longer configured.</summary>
    public void RemoveSource(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        _sourceLastSync.RemoveLabelled(source);
        _sourceUsers.RemoveLabelled(source);
        _sourceSyncErrors.RemoveLabelled(source);
    }

    /// <summary>Sets the counts of the last plan, per action; blocked counts removals a deletion guard held back.</summary>
    public void SetPlanChanges(int create, int update, int preserve, int disable, int restore, int conflict, int blocked = 0)
    {
        int[] counts = [create, update, preserve, disable, restore, conflict, blocked];
        for (var i = 0; i < PlanActions.Length; i++)
        {
            _planChanges.WithLabels(PlanActions[i]).Set(counts[i]);
        }
    }

    /// <summary>Sets the counts of the last plan from its summary.</summary>
    public void SetPlanChanges(PlanSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        SetPlanChanges(summary.Create, summary.Update, summary.Preserve, summary.Disable, summary.Restore, summary.Conflict, summary.Blocked);
    }

    /// <summary>
    /// Counts one HTTP request. <paramref name="route"/> is the matched route pattern (null when nothing matched)
    /// and unknown methods are folded into OTHER, so a scanner cannot grow the number of series.
    /// </summary>
    public void ObserveHttpRequest(string method, string? route, int statusCode)
    {
        var methodLabel = KnownMethods.Contains(method) ? method : "OTHER";
        _httpRequests.WithLabels(methodLabel, route ?? Unmatched, StatusCodeLabel(statusCode)).Inc();
    }

    /// <summary>Writes every metric in the Prometheus text exposition format (<see cref="TextContentType"/>).</summary>
    public Task ExportAsTextAsync(Stream destination, CancellationToken ct) =>
        _registry.CollectAndExportAsTextAsync(destination, ExpositionFormat.PrometheusText, ct);

    private void PublishResults(string kind)
    {
        _reconciles.WithLabels(kind, Success).Publish();
        _reconciles.WithLabels(kind, "error").Publish();
    }

    private static string StateLabel(UserState state) => state switch
    {
        UserState.Active => "active",
        UserState.Preserved => "preserved",
        UserState.Disabled => "disabled",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static string StatusCodeLabel(int statusCode) =>
        statusCode is >= 100 and <= 599 ? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "other";
}
