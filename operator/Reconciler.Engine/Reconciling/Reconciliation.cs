using Microsoft.Extensions.Logging;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <param name="DryRun">Plan only (`plan`, `explain`, a held source): nothing is written.</param>
/// <param name="AllowDeletions">Acknowledges removals beyond deletion guards (`apply --allow-deletions`).</param>
/// <param name="RetryIn">For failed reads: when the caller will try again, for the status to say.</param>
public sealed record ReconcileOptions(bool DryRun = false, bool AllowDeletions = false, Func<SourceRead, TimeSpan?>? RetryIn = null)
{
    /// <summary>Receives every change as it is decided (a preview for the CLI, a capture for `explain`).</summary>
    public IPlanSink? Observer { get; init; }

    /// <summary>
    /// Set when the sources must not be applied because an invalid resource they depend on is held: they are planned
    /// as a dry run, and their statuses say so and what the plan would do.
    /// </summary>
    public string? HeldBecause { get; init; }

    /// <summary>Plans every user of every source, whatever the memos say (`explain` must see every user).</summary>
    public bool Whole { get; init; }

    /// <summary>Wraps each source's users on their way to the planner (`explain` looks for its user there).</summary>
    public Func<SourceInput, SourceInput>? Inspect { get; init; }

    /// <summary>
    /// Plans at most this many of a push source's written-since users in one pass (null: all of them). The hosted
    /// service bounds it: pushes wait for the store's write lock while a reconcile holds it, so a backlog is worked
    /// off in short passes between them; the users left stay marked and <see cref="ReconcileOutcome.WrittenLeft"/> says so.
    /// </summary>
    public int? WrittenPerPass { get; init; }

    /// <summary>
    /// Plans a small incremental reconcile before taking the store's write lock, and holds the lock only to check
    /// nothing moved and to write (the hosted service: pushes and other sources' writes wait for the lock).
    /// </summary>
    public bool PlanBeforeLock { get; init; }
}

/// <summary>What one reconcile of one or more sources did.</summary>
public sealed record ReconcileOutcome
{
    public required PlanOutcome Plan { get; init; }

    /// <summary>How much of each source was planned, by qualified source name.</summary>
    public required IReadOnlyDictionary<string, PlanScope> Scopes { get; init; }

    /// <summary>Registry rows written (0 for a dry run).</summary>
    public int Written { get; init; }

    public bool Committed { get; init; }

    /// <summary>Users per state over the whole registry after this reconcile.</summary>
    public StateCounts Users { get; init; } = StateCounts.Zero;

    /// <summary>Sources with a conflict pending, other than the ones reconciled: an email this reconcile released may settle them.</summary>
    public IReadOnlyList<string> SourcesWithConflicts { get; init; } = [];

    /// <summary>Written-since users this pass left for the next one (<see cref="ReconcileOptions.WrittenPerPass"/>).</summary>
    public int WrittenLeft { get; init; }
}

/// <summary>
/// One reconcile, impure → pure → impure: given what the reads found, it opens the reconcile's one transaction,
/// plans from the store's view and the reads' changes, and writes the snapshot's changed rows, the cursors, the
/// registry changes with their audit entries, the plan memos and the statuses together. When another writer moved a
/// source's snapshot in between, it throws <see cref="SnapshotMovedException"/>: the caller reads again.
/// </summary>
public sealed class Reconciliation(TimeProvider clock, ILogger<Reconciliation> logger)
{
    private const int Attempts = 3;

    public async Task<ReconcileOutcome> RunAsync(
        IReconcilerStore? store, DesiredState desired, IReadOnlyList<SourceRead> reads, ReconcileOptions options,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AttemptAsync(store, desired, reads, options, cancellationToken);
            }
            catch (StoreConflictException e) when (attempt < Attempts && e is not SnapshotMovedException)
            {
                logger.LogInformation("another writer changed the registry meanwhile ({Reason}); planning again", e.Message);
            }
        }
    }

    private async Task<ReconcileOutcome> AttemptAsync(
        IReconcilerStore? store, DesiredState desired, IReadOnlyList<SourceRead> reads, ReconcileOptions options,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var started = clock.GetTimestamp();
        var dryRun = options.DryRun || options.HeldBecause is not null;
        // An attempt before this one was rolled back: none of the entries it wrote with their registry rows is stored.
        foreach (var read in reads) read.Changes.ForgetWritten();
        if (store is null || dryRun) return await PlanOnlyAsync(store, desired, reads, options, now, cancellationToken);

        IStoreWriteSession? writer = null;
        try
        {
            if (options.PlanBeforeLock && options.Observer is null && options.Inspect is null)
            {
                var early = await PlanBeforeLockAsync(store, desired, reads, options, now, cancellationToken);
                if (early is not null)
                {
                    writer = early.Writer;
                    if (early.Plan is { } plan)
                    {
                        var applying = clock.GetTimestamp();
                        plan.Buffer.Replay(writer, new ApplyContext(desired.Revision, now));
                        return await FinishAsync(store, writer, desired, reads, options, plan.Prepared, plan.Outcome, plan.Counting, now, started,
                            clock.GetElapsedTime(applying), early.Locked, plan.Statuses, cancellationToken);
                    }
                }
            }
            writer ??= await store.OpenWriteAsync(cancellationToken);
            return await PlanLockedAsync(store, writer, desired, reads, options, now, started, cancellationToken);
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync();
        }
    }

    /// <summary>A plan that writes nothing (plan, explain, a held source), on a read view of the store.</summary>
    private static async Task<ReconcileOutcome> PlanOnlyAsync(IReconcilerStore? store, DesiredState desired, IReadOnlyList<SourceRead> reads,
        ReconcileOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var session = store is null ? new EmptySession() : await store.OpenReadAsync(cancellationToken);
        var prepared = Prepare(session, desired, reads, options, now, explicitMarks: false);
        var counting = new StateDeltas(options.Observer);
        var outcome = Plan(desired, prepared, session, counting, options, now);
        if (options.HeldBecause is not null && store is not null)
        {
            var held = new StatusReport(desired, session, reads, outcome, counting, options, now).Statuses(await store.LoadStatusesAsync(cancellationToken));
            await store.SaveStatusesAsync(held, cancellationToken);
        }
        // A plan shows the users it would leave; a held source's users stay as they are stored.
        var users = options.HeldBecause is null ? Totals(session, counting) : Totals(session, new StateDeltas(null));
        return new ReconcileOutcome { Plan = outcome, Scopes = prepared.Scopes, Users = users };
    }

    /// <summary>Plans inside the write lock, the registry writes streaming to the store behind the planner.</summary>
    private async Task<ReconcileOutcome> PlanLockedAsync(IReconcilerStore store, IStoreWriteSession writer, DesiredState desired,
        IReadOnlyList<SourceRead> reads, ReconcileOptions options, DateTimeOffset now, long started, CancellationToken cancellationToken)
    {
        var prepared = Prepare(writer, desired, reads, options, now, explicitMarks: false);
        var counting = new StateDeltas(options.Observer);
        var byName = reads.ToDictionary(r => r.Name, StringComparer.Ordinal);
        using var storeSink = new StoreSink(writer, byName, new ApplyContext(desired.Revision, now), counting, cancellationToken);
        var outcome = Plan(desired, prepared, writer, storeSink, options, now);
        storeSink.Complete();
        return await FinishAsync(store, writer, desired, reads, options, prepared, outcome, counting, now, started, storeSink.Writing, null,
            null, cancellationToken);
    }

    /// <summary>
    /// Plans a small incremental reconcile on a read view, without the write lock, then takes the lock and checks that
    /// nothing it planned from moved meanwhile: the registry, the sources' headers and pending entries, and the
    /// imported entry of every user it planned (a push may have written one again). Null when the reconcile is not
    /// one for this (a whole plan, or more changes than are worth holding in memory); a plan of null when something
    /// moved, and the caller plans again under the lock it now holds.
    /// </summary>
    private async Task<EarlyPlan?> PlanBeforeLockAsync(IReconcilerStore store, DesiredState desired, IReadOnlyList<SourceRead> reads,
        ReconcileOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Prepared prepared;
        PlanOutcome outcome;
        StateDeltas counting;
        ChangeBuffer buffer;
        long registrySeq;
        Dictionary<string, (SourceRecord? Header, List<PendingEntry> Pending)> sources = new(StringComparer.Ordinal);
        var seen = new List<(string Source, string Id, ulong? Fingerprint)>();
        await using (var view = await store.OpenReadAsync(cancellationToken))
        {
            prepared = Prepare(view, desired, reads, options, now, explicitMarks: true);
            if (prepared.Scopes.Values.Any(s => s == PlanScope.Whole)) return null;
            foreach (var read in reads)
            {
                if (prepared.Scopes[read.Name] != PlanScope.Incremental) continue;
                foreach (var id in prepared.Planned[read.Name])
                {
                    if (seen.Count == ChangeBuffer.Limit) return null;
                    seen.Add((read.Name, id, view.Fingerprint(read.Name, id)));
                }
            }
            counting = new StateDeltas(null);
            buffer = new ChangeBuffer(reads.ToDictionary(r => r.Name, StringComparer.Ordinal), counting);
            try
            {
                outcome = Plan(desired, prepared, view, buffer, options, now);
            }
            catch (ChangeBuffer.FullException)
            {
                return null;
            }
            registrySeq = view.RegistrySeq;
            foreach (var read in reads)
            {
                sources[read.Name] = (view.Source(read.Name), view.Pending(read.Name).Held().ToList());
            }
        }

        // Statuses are written by each key's own reconcile, so the stored ones can be read before the lock too.
        var statuses = await store.LoadStatusesAsync(cancellationToken);
        var writer = await store.OpenWriteAsync(cancellationToken);
        var locked = clock.GetTimestamp();
        bool unmoved;
        try
        {
            unmoved = writer.RegistrySeq == registrySeq
                && sources.All(s => SameSource(s.Value.Header, writer.Source(s.Key))
                    && s.Value.Pending.SequenceEqual(writer.Pending(s.Key).Held()))
                && seen.All(u => writer.Fingerprint(u.Source, u.Id) == u.Fingerprint);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
        logger.LogDebug("checked under the write lock in {Seconds:0.000} s that the store had not moved ({Users} planned users): {Unmoved}",
            clock.GetElapsedTime(locked).TotalSeconds, seen.Count, unmoved ? "it had not" : "it had, so the plan is made again under the lock");
        return new EarlyPlan(writer, locked, unmoved ? new EarlyPlanned(prepared, outcome, counting, buffer, statuses) : null);
    }

    /// <param name="Locked">When the write lock was taken (a timestamp of the clock).</param>
    private sealed record EarlyPlan(IStoreWriteSession Writer, long Locked, EarlyPlanned? Plan);

    private sealed record EarlyPlanned(Prepared Prepared, PlanOutcome Outcome, StateDeltas Counting, ChangeBuffer Buffer, IReadOnlyList<StoredStatus> Statuses);

    /// <summary>What a reconcile decided to plan of each source, from one view of the store.</summary>
    /// <param name="Planned">The users each incremental plan takes (only for a plan made before the lock, which checks them).</param>
    private sealed record Prepared(
        List<SourceInput> Inputs,
        Dictionary<string, PlanScope> Scopes,
        Dictionary<string, string> Fingerprints,
        Dictionary<string, IReadOnlyCollection<string>?> PlannedWritten,
        Dictionary<string, IReadOnlyCollection<string>> Planned,
        int WrittenLeft,
        IReadOnlyList<PendingEntry> PendingBefore);

    /// <param name="explicitMarks">
    /// Name the written-since marks planned even when they are all of them: a plan made before the lock must not
    /// clear marks that pushes added after its view.
    /// </param>
    private static Prepared Prepare(IStoreSession session, DesiredState desired, IReadOnlyList<SourceRead> reads, ReconcileOptions options,
        DateTimeOffset now, bool explicitMarks)
    {
        var inputs = new List<SourceInput>();
        var scopes = new Dictionary<string, PlanScope>(StringComparer.Ordinal);
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        var plannedWritten = new Dictionary<string, IReadOnlyCollection<string>?>(StringComparer.Ordinal);
        var planned = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        var writtenLeft = 0;
        var pendingBefore = session.Pending();
        foreach (var read in reads)
        {
            var stored = session.Source(read.Name);
            if (!read.Skipped && !read.IsFailed && (stored?.SnapshotSeq ?? 0) != (read.Stored?.SnapshotSeq ?? 0))
            {
                throw new SnapshotMovedException(read.Name);
            }
            var fingerprint = PlanFingerprint.Of(desired, read.Source);
            fingerprints[read.Name] = fingerprint;
            var pending = session.Pending(read.Name).ToList();
            var left = Slice(pending, options.WrittenPerPass);
            var scope = PlanInputs.Scope(read, stored, fingerprint, session, pending, options.AllowDeletions, now);
            if (options.Whole && scope != PlanScope.None) scope = PlanScope.Whole;
            scopes[read.Name] = scope;
            // A whole plan considers every user, so it settles every mark; an incremental one, the marks it was given.
            if (scope == PlanScope.Whole) left = 0;
            plannedWritten[read.Name] = left == 0 && (!explicitMarks || scope == PlanScope.Whole)
                ? null
                : pending.WrittenIds().ToList();
            if (scope != PlanScope.None) writtenLeft += left;
            planned[read.Name] = explicitMarks && scope == PlanScope.Incremental ? PlanInputs.Ids(read, pending) : [];
            var input = PlanInputs.Input(read, stored, scope, session, pending);
            inputs.Add(options.Inspect?.Invoke(input) ?? input);
        }
        return new Prepared(inputs, scopes, fingerprints, plannedWritten, planned, writtenLeft, pendingBefore);
    }

    private static PlanOutcome Plan(DesiredState desired, Prepared prepared, IStoreSession session, IPlanSink sink, ReconcileOptions options, DateTimeOffset now)
    {
        var outcome = ProvisioningPlanner.Plan(desired, prepared.Inputs, session.EmailOwners, sink, new PlanOptions(now, options.AllowDeletions));
        return outcome with { Problems = [.. outcome.Problems, .. Orphans(desired, session)] };
    }

    /// <summary>Writes the snapshots, pending entries, memos and statuses beside the registry changes, and commits them together.</summary>
    private async Task<ReconcileOutcome> FinishAsync(IReconcilerStore store, IStoreWriteSession writer, DesiredState desired,
        IReadOnlyList<SourceRead> reads, ReconcileOptions options, Prepared prepared, PlanOutcome outcome, StateDeltas counting, DateTimeOffset now,
        long started, TimeSpan storeBusy, long? locked, IReadOnlyList<StoredStatus>? statusesBefore, CancellationToken cancellationToken)
    {
        var planned = clock.GetElapsedTime(started);
        foreach (var read in reads)
        {
            WriteSnapshot(writer, desired, read, prepared.Scopes[read.Name], prepared.Fingerprints[read.Name], prepared.PlannedWritten[read.Name],
                outcome, writer, now);
        }
        var statuses = new StatusReport(desired, writer, reads, outcome, counting, options, now)
            .Statuses(statusesBefore ?? await store.LoadStatusesAsync(cancellationToken));
        writer.SaveStatuses(statuses);
        var written = clock.GetElapsedTime(started);
        await writer.CommitAsync(cancellationToken);
        var how = locked is { } at ? $"planned before the write lock, held {clock.GetElapsedTime(at).TotalSeconds:0.000} s" : "planned under the write lock";
        logger.LogDebug("reconciled {Sources} ({How}): plan and registry writes {Plan:0.000} s (the store busy {Store:0.000} s of it), snapshot and statuses {Rest:0.000} s, commit {Commit:0.000} s; {Scopes}",
            string.Join(", ", reads.Select(r => r.Name)), how, planned.TotalSeconds, storeBusy.TotalSeconds,
            (written - planned).TotalSeconds, (clock.GetElapsedTime(started) - written).TotalSeconds,
            string.Join(", ", prepared.Scopes.Select(s => $"{s.Key}: {s.Value}")));

        var reconciled = reads.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var waiting = prepared.PendingBefore.Where(p => p.Kind == PendingKind.Conflict && !reconciled.Contains(p.Source))
            .Select(p => p.Source).Distinct().ToList();
        return new ReconcileOutcome
        {
            Plan = outcome,
            Scopes = prepared.Scopes,
            Written = counting.Changes,
            Committed = true,
            Users = Totals(writer, counting),
            SourcesWithConflicts = counting.Changes > 0 ? waiting : [],
            WrittenLeft = prepared.WrittenLeft,
        };
    }

    /// <summary>Whether a source's header is as it was, but for its count of imported users (pushes move it, and count it themselves).</summary>
    private static bool SameSource(SourceRecord? before, SourceRecord? now) =>
        before is null ? now is null
            : now is not null && before.SnapshotSeq == now.SnapshotSeq && SameHeader(before, now with { ImportedUsers = before.ImportedUsers });

    /// <summary>
    /// Keeps the first <paramref name="limit"/> written-since marks of a source's pending list (in id order, as the
    /// store lists them) and every conflict and held-back entry; returns how many marks were left out.
    /// </summary>
    private static int Slice(List<PendingEntry> pending, int? limit)
    {
        if (limit is not { } most) return 0;
        var left = 0;
        var kept = 0;
        pending.RemoveAll(p =>
        {
            if (p.Kind != PendingKind.Written) return false;
            if (kept < most)
            {
                kept++;
                return false;
            }
            left++;
            return true;
        });
        return left;
    }

    /// <summary>Stores what the read found and what the plan decided for one source, when anything differs from what is stored.</summary>
    private static void WriteSnapshot(IStoreWriteSession writer, DesiredState desired, SourceRead read, PlanScope scope, string fingerprint,
        IReadOnlyCollection<string>? plannedWritten, PlanOutcome outcome, IStoreSession session, DateTimeOffset now)
    {
        var stored = session.Source(read.Name);
        if (read.IsFailed)
        {
            var failed = (stored ?? new SourceRecord { Name = read.Name }) with { Failed = true, Problems = read.Problems };
            if (stored is null || !stored.Failed || !stored.Problems.SequenceEqual(read.Problems)) writer.SaveSource(failed, snapshotChanged: false);
            return;
        }
        if (scope == PlanScope.None) return;
        foreach (var entry in read.Changes.InOrder)
        {
            if (!entry.Written) writer.PutImported(read.Name, entry.Row);
        }
        foreach (var id in read.Deleted) writer.RemoveImported(read.Name, id);

        var mine = outcome.Conflicts.Where(c => c.Source == read.Name).ToList();
        var held = outcome.Blocked.Where(b => b.Source == read.Name).ToList();
        var pending = mine.Select(c => new PendingEntry(read.Name, c.ExternalId, PendingKind.Conflict, c.Mapping, c.OwnerSource, c.OwnerMapping, c.Reason))
            .Concat(held.SelectMany(b => b.HeldBack.Select(h => new PendingEntry(read.Name, h.ExternalId, PendingKind.HeldBack, h.After.Mapping, Message: b.Message))))
            .DistinctBy(p => (p.ExternalId, p.Kind))
            .ToList();
        if (scope != PlanScope.Unchanged) writer.ReplacePending(read.Name, pending, plannedWritten);

        var tallies = MappingsOf(desired, read.Source).ToDictionary(
            m => m.Name,
            m => outcome.Mappings.GetValueOrDefault(m.Key.QualifiedName) is { } t ? t with { Conflicts = 0 } : new MappingTally(0, 0, 0),
            StringComparer.Ordinal);
        var policies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var mapping in MappingsOf(desired, read.Source))
        {
            if (mapping.Spec.QuotaPolicyRef is not { } policy) continue;
            policies[policy.Name] = policies.GetValueOrDefault(policy.Name) + tallies[mapping.Name].Provisioned;
        }
        var snapshotChanged = read.SnapshotChanged;
        var registryWritten = outcome.Summary.Changes > 0;
        var memo = new PlanMemo(
            fingerprint,
            (stored?.SnapshotSeq ?? 0) + (snapshotChanged ? 1 : 0),
            session.RegistrySeq + (registryWritten ? 1 : 0),
            // Users whose mapping could not be decided were left as they are: the next plan must try them again.
            read.Complete && outcome.Undecided.GetValueOrDefault(read.Name) == 0,
            scope == PlanScope.Whole || stored?.Memo is null ? now : stored.Memo.WholePlanAt,
            tallies, mine.Count, held.Sum(b => b.HeldBack.Count), policies);
        var record = new SourceRecord
        {
            Name = read.Name,
            Cursor = read.Cursor,
            Complete = read.Complete,
            Failed = false,
            Problems = read.Problems,
            ReadAt = read.ReadAt,
            Duration = read.Duration,
            GroupsSeen = read.GroupsSeen,
            FullReadAt = read.Mode == Connectors.ReadMode.Full ? read.ReadAt : stored?.FullReadAt,
            // A delta read counted from what it found stored; pushes may have moved that count since, and moved it themselves.
            ImportedUsers = read.Mode == Connectors.ReadMode.Delta && stored is not null
                ? Math.Max(0, stored.ImportedUsers + read.ImportedUsers - (read.Stored?.ImportedUsers ?? 0))
                : read.ImportedUsers,
            Memo = memo,
        };
        if (stored is null || snapshotChanged || !SameHeader(stored, record)) writer.SaveSource(record, snapshotChanged);
        if (scope == PlanScope.Whole && stored is not null && stored.SnapshotSeq > 0) writer.RecountSource(read.Name);
    }

    /// <summary>Sources the store holds users of that the configuration no longer declares: their users are left as they are.</summary>
    private static IEnumerable<PlanProblem> Orphans(DesiredState desired, IStoreSession session)
    {
        var declared = desired.Sources.Select(s => s.Key.QualifiedName).ToHashSet(StringComparer.Ordinal);
        return session.Sources()
            .Where(s => !declared.Contains(s.Name) && s.Users.Total > 0)
            .Select(s => ProvisioningPlanner.Orphaned(s.Name, s.Users.Total));
    }

    /// <summary>The mappings of a source: those of its namespace whose sourceRef names it.</summary>
    internal static IEnumerable<ProvisioningMapping> MappingsOf(DesiredState desired, DirectorySource source) =>
        desired.Mappings.Where(m => m.Namespace == source.Namespace && m.Spec.SourceRef.Name == source.Name);

    /// <summary>Whether the stored header already says what this one says (read times aside: a quiet read writes nothing).</summary>
    private static bool SameHeader(SourceRecord stored, SourceRecord next) =>
        stored.Cursor == next.Cursor && stored.Complete == next.Complete && stored.Failed == next.Failed
        && stored.Problems.SequenceEqual(next.Problems) && stored.GroupsSeen == next.GroupsSeen
        && stored.FullReadAt == next.FullReadAt && stored.ImportedUsers == next.ImportedUsers && SameMemo(stored.Memo, next.Memo);

    private static bool SameMemo(PlanMemo? a, PlanMemo? b) =>
        a is not null && b is not null && a.Fingerprint == b.Fingerprint && a.SnapshotSeq == b.SnapshotSeq
        && a.Complete == b.Complete && a.WholePlanAt == b.WholePlanAt && a.Conflicts == b.Conflicts && a.HeldBack == b.HeldBack
        && (a.Conflicts == 0 || a.RegistrySeq == b.RegistrySeq)
        && a.Tallies.Count == b.Tallies.Count && a.Tallies.All(t => b.Tallies.TryGetValue(t.Key, out var o) && o == t.Value)
        && SameCounts(a.Policies, b.Policies);

    private static bool SameCounts(IReadOnlyDictionary<string, int>? a, IReadOnlyDictionary<string, int>? b) =>
        a is null || b is null ? a is null && b is null
            : a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var o) && o == p.Value);

    /// <summary>Users per state over the whole registry once this reconcile's changes are in.</summary>
    private static StateCounts Totals(IStoreSession session, StateDeltas deltas)
    {
        var total = deltas.Total;
        foreach (var record in session.Sources()) total = Add(total, record.Users);
        return total;
    }

    private static StateCounts Add(StateCounts a, StateCounts b) => new(a.Active + b.Active, a.Preserved + b.Preserved, a.Disabled + b.Disabled);
}

/// <summary>Another writer stored a newer snapshot of a source between its read and this reconcile: read it again.</summary>
public sealed class SnapshotMovedException(string source)
    : StoreConflictException($"another writer stored a newer snapshot of source {source} meanwhile");

/// <summary>Counts state changes per source as a plan's changes go by.</summary>
internal sealed class StateDeltas(IPlanSink? next) : IPlanSink
{
    private readonly Dictionary<string, (int Active, int Preserved, int Disabled)> _bySource = new(StringComparer.Ordinal);

    public int Changes { get; private set; }

    public StateCounts Total
    {
        get
        {
            int a = 0, p = 0, d = 0;
            foreach (var (active, preserved, disabled) in _bySource.Values)
            {
                a += active;
                p += preserved;
                d += disabled;
            }
            return new StateCounts(a, p, d);
        }
    }

    public StateCounts Of(string source) =>
        _bySource.TryGetValue(source, out var c) ? new StateCounts(c.Active, c.Preserved, c.Disabled) : StateCounts.Zero;

    public void Add(PlanAction change)
    {
        var counts = _bySource.GetValueOrDefault(change.Source);
        if (change.Before is { } before) counts = Move(counts, before.State, -1);
        counts = Move(counts, change.After.State, +1);
        _bySource[change.Source] = counts;
        Changes++;
        next?.Add(change);
    }

    private static (int, int, int) Move((int Active, int Preserved, int Disabled) c, UserState state, int by) => state switch
    {
        UserState.Active => (c.Active + by, c.Preserved, c.Disabled),
        UserState.Preserved => (c.Active, c.Preserved + by, c.Disabled),
        _ => (c.Active, c.Preserved, c.Disabled + by),
    };
}
