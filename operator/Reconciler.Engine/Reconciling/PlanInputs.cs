using Reconciler.Core.Planning;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>How much of a source a reconcile plans.</summary>
public enum PlanScope
{
    /// <summary>Not planned: suspended, never read, or its read failed.</summary>
    None,
    /// <summary>Nothing changed since the last plan and nothing is pending: planning again would decide nothing.</summary>
    Unchanged,
    /// <summary>Only the users whose entry changed and those the last plan left pending.</summary>
    Incremental,
    /// <summary>Every user of the source.</summary>
    Whole,
}

/// <summary>
/// Decides how much of a source to plan and gives the planner its users: streamed from the store (whole), or looked
/// up one by one (incremental), with this read's changes laid over what is stored.
/// </summary>
internal static class PlanInputs
{
    /// <summary>A whole plan is done at least this often, as a safety net under the incremental ones.</summary>
    public static readonly TimeSpan WholePlanEvery = TimeSpan.FromHours(24);

    /// <summary>Past this many users to look up one by one, streaming the whole source is cheaper (and holds less).</summary>
    private const int IncrementalLimit = 200_000;

    public static PlanScope Scope(SourceRead read, SourceRecord? stored, string fingerprint, IStoreSession session,
        IReadOnlyList<PendingEntry> pending, bool allowDeletions, DateTimeOffset now)
    {
        if (read.Skipped || read.Source.Spec.Suspend || read.IsFailed) return PlanScope.None;
        var memo = stored?.Memo;
        if (memo is null || memo.Fingerprint != fingerprint || !memo.Complete || memo.SnapshotSeq != stored!.SnapshotSeq
            || now - memo.WholePlanAt >= WholePlanEvery)
        {
            return PlanScope.Whole;
        }
        // Seeking more users one by one than the store holds for the source costs more than streaming them all: a
        // source whose stored snapshot is empty (its export was empty until now) takes a first import's path.
        var lookups = read.Changes.Count + read.Deleted.Count + pending.Count;
        if (lookups > IncrementalLimit || lookups > Math.Max(stored!.ImportedUsers, stored.Users.Total)) return PlanScope.Whole;
        var quiet = !read.SnapshotChanged && pending.Count == 0 && read.Complete;
        return quiet ? PlanScope.Unchanged : PlanScope.Incremental;
    }

    public static SourceInput Input(SourceRead read, SourceRecord? stored, PlanScope scope, IStoreSession session,
        IReadOnlyList<PendingEntry> pending)
    {
        var snapshot = read.IsFailed
            ? new SnapshotState(true, false, read.Problems)
            : new SnapshotState(false, read.Complete, read.Problems);
        if (scope == PlanScope.Whole)
        {
            return new SourceInput { Source = read.Source, Users = new WholeUsers(session, read), Snapshot = snapshot };
        }
        var memo = stored?.Memo;
        var settled = memo is null
            ? SettledTotals.None
            : new SettledTotals(stored!.Users.Active, memo.Tallies);
        var users = scope == PlanScope.Incremental ? Incremental(session, read, pending) : new PlanUsers([]);
        return new SourceInput { Source = read.Source, Users = users, Snapshot = snapshot, Whole = false, Settled = settled };
    }

    /// <summary>The changed, deleted and pending users of a source with what is stored about them, in id order.</summary>
    private static PlanUsers Incremental(IStoreSession session, SourceRead read, IReadOnlyList<PendingEntry> pending)
    {
        var ids = Ids(read, pending);
        var pairs = new List<UserPair>(ids.Count);
        foreach (var id in ids)
        {
            var stored = session.Find(read.Name, id);
            var before = stored?.Imported?.User;
            var now = read.Changes.Find(id)?.Decode(null) ?? (read.Deleted.Contains(id) ? null : before);
            if (now is null && stored?.Provisioned is null) continue;
            pairs.Add(new UserPair(now, stored?.Provisioned, before));
        }
        return new PlanUsers(pairs);
    }

    /// <summary>The users an incremental plan takes: the read's changed and deleted ones and the pending ones, in id order.</summary>
    public static IReadOnlyCollection<string> Ids(SourceRead read, IReadOnlyList<PendingEntry> pending)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in read.Changes.InOrder) ids.Add(entry.Id);
        ids.UnionWith(read.Deleted);
        foreach (var entry in pending) ids.Add(entry.ExternalId);
        return ids.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Every user of a source: the stored ones in id order with this read's changes laid over them, then the users
    /// the store has never seen, in id order too (so a first import appends to the store). Enumerated once per planner phase; nothing is held between.
    /// </summary>
    private sealed class WholeUsers(IStoreSession session, SourceRead read) : IPlanUsers
    {
        private readonly TextPool _pool = new();

        public IEnumerable<UserPair> Pairs(PairSet set)
        {
            var unprovisionedOnly = set == PairSet.Unprovisioned;
            var changes = read.Changes;
            var matched = new System.Collections.BitArray(changes.Count);
            foreach (var stored in session.Users(read.Name, unprovisionedOnly))
            {
                if (set == PairSet.Provisioned && stored.Provisioned is null) continue;
                if (changes.Count > 0 && changes.Find(stored.Id) is { } changed)
                {
                    matched[changed.Index] = true;
                    yield return new UserPair(changed.Decode(_pool), stored.Provisioned);
                }
                else if (read.Deleted.Contains(stored.Id))
                {
                    if (stored.Provisioned is not null) yield return new UserPair(null, stored.Provisioned);
                }
                else
                {
                    yield return new UserPair(stored.Imported?.Decode(_pool), stored.Provisioned);
                }
            }
            // The users the store has never seen have no registry row.
            if (set == PairSet.Provisioned) yield break;
            var fresh = read.Stored is null || read.Stored.SnapshotSeq == 0 && read.Stored.Users.Total == 0;
            foreach (var entry in changes.ById)
            {
                if (matched[entry.Index]) continue;
                if (unprovisionedOnly && !fresh && session.Find(read.Name, entry.Id)?.Provisioned is not null) continue;
                yield return new UserPair(entry.Decode(_pool), null);
            }
        }
    }
}
