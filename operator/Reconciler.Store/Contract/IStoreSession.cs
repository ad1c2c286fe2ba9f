using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Text;

namespace Reconciler.Store.Contract;

/// <summary>
/// A consistent view of the store for one reconcile. Its calls are synchronous and meant for one thread: the planner
/// consumes them inside its loops (listings stream from the database as they are enumerated).
/// </summary>
public interface IStoreSession : IAsyncDisposable
{
    /// <summary>Bumped by every commit that changed a registry row: equal values mean nobody changed the registry between.</summary>
    long RegistrySeq { get; }

    /// <summary>How many registry rows there are (any source and state).</summary>
    long RegistryCount { get; }

    /// <summary>The stored header of a source (cursor, completeness, counts, plan memo); null when never stored.</summary>
    SourceRecord? Source(string source);

    /// <summary>Every source the store has rows or a header for.</summary>
    IReadOnlyList<SourceRecord> Sources();

    /// <summary>The fingerprint of every imported user of a source, streamed in id order.</summary>
    IEnumerable<(string Id, ulong Fingerprint)> Fingerprints(string source);

    /// <summary>
    /// The same, keyed by <see cref="ImportedRow.IdKey(string)"/> instead of the id: what a full read is compared with.
    /// Made from the stored bytes without a string per user, so holding them for a million users costs tens of
    /// megabytes and no work for the collector.
    /// </summary>
    IEnumerable<(Key128 IdKey, ulong Fingerprint)> FingerprintsByKey(string source);

    /// <summary>The fingerprint of one user's imported entry; null when the source has no imported entry for it.</summary>
    ulong? Fingerprint(string source, string id);

    /// <summary>One user of a source: its stored imported entry and registry row (either may be missing); null when neither exists.</summary>
    StoredUser? Find(string source, string id);

    /// <summary>Every user of a source in id order (ordinal), streamed; with <paramref name="unprovisionedOnly"/> only those without a registry row.</summary>
    IEnumerable<StoredUser> Users(string source, bool unprovisionedOnly);

    /// <summary>Users a previous plan left unsettled, or that were written since (SCIM), which the next plan must consider.</summary>
    IReadOnlyList<PendingEntry> Pending(string? source = null);

    /// <summary>Registry lookups by email (case-insensitively), as the store was when the session began.</summary>
    IEmailOwners EmailOwners { get; }
}

/// <summary>
/// The one transaction of a reconcile. Reads (inherited) see the store as it was when the transaction began; writes
/// are visible to no one until <see cref="CommitAsync"/>; disposing without committing rolls everything back.
/// <para>
/// <see cref="Apply"/> may be called from one other thread than the reads, one call at a time, while reads go on
/// (the planner reads while a writer thread applies its changes); every other member is called by the reading
/// thread once those writes are done.
/// </para>
/// </summary>
public interface IStoreWriteSession : IStoreSession
{
    /// <summary>Stores what the directory now says about a user (the registry row, if any, stays as it is).</summary>
    void PutImported(string source, ImportedRow row);

    /// <summary>The directory no longer has the user: its imported entry goes, its registry row (if any) stays.</summary>
    void RemoveImported(string source, string id);

    /// <summary>
    /// Writes a plan change and its audit entry, with the user's new imported entry in the same row when given.
    /// Compare-and-swap: the row must still have the version <see cref="PlanAction.Before"/> was read at (a new user:
    /// no registry row); otherwise <see cref="StoreConflictException"/> is thrown and the caller re-plans.
    /// </summary>
    void Apply(PlanAction change, ImportedRow? imported, ApplyContext context);

    /// <summary>Stores a source's header. <paramref name="snapshotChanged"/> moves its snapshot sequence on.</summary>
    void SaveSource(SourceRecord record, bool snapshotChanged);

    /// <summary>Counts a source's registry rows per state from the rows themselves (after a whole plan).</summary>
    void RecountSource(string source);

    /// <summary>
    /// Replaces a source's pending conflicts and held-back removals with <paramref name="entries"/>, and clears the
    /// written-since marks of the users planned now: those in <paramref name="plannedWritten"/>, or all of them when it
    /// is null. Marks of users a bounded pass did not plan stay for the next one.
    /// </summary>
    void ReplacePending(string source, IReadOnlyList<PendingEntry> entries, IReadOnlyCollection<string>? plannedWritten);

    /// <summary>Records statuses in the same transaction (unchanged ones are not rewritten).</summary>
    void SaveStatuses(IReadOnlyList<StoredStatus> statuses);

    /// <summary>Commits everything. The registry sequence moves on if any registry row was written.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>A user as stored: its imported entry (null when the directory no longer has it) and registry row (null when never provisioned).</summary>
public sealed record StoredUser(string Id, ImportedRow? Imported, ProvisionedUser? Provisioned);

/// <summary>What an apply is attributed to in the audit log.</summary>
public sealed record ApplyContext(string Revision, DateTimeOffset Now);

public enum PendingKind { Conflict, HeldBack, Written }

/// <summary>
/// A user the next plan of its source must consider even if its directory entry does not change. For a conflict,
/// the mappings on both sides, so both mappings' statuses can count it.
/// </summary>
public sealed record PendingEntry(
    string Source, string ExternalId, PendingKind Kind, string Mapping = "", string OwnerSource = "", string OwnerMapping = "", string Message = "");

public static class PendingEntries
{
    /// <summary>The conflicts and held-back users: what a plan decided and the next one must see again.</summary>
    public static IEnumerable<PendingEntry> Held(this IEnumerable<PendingEntry> entries) => entries.Where(e => e.Kind != PendingKind.Written);

    /// <summary>The ids of the written-since marks: users changed since their source was last planned.</summary>
    public static IEnumerable<string> WrittenIds(this IEnumerable<PendingEntry> entries) =>
        entries.Where(e => e.Kind == PendingKind.Written).Select(e => e.ExternalId);
}

/// <summary>
/// A source's stored header: the last read (cursor, completeness, problems), its counts, and what its last plan
/// decided it could skip next time.
/// </summary>
public sealed record SourceRecord
{
    public required string Name { get; init; }
    public string? Cursor { get; init; }
    public bool Complete { get; init; }
    public bool Failed { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
    public DateTimeOffset? ReadAt { get; init; }
    public TimeSpan Duration { get; init; }
    public int GroupsSeen { get; init; }

    /// <summary>When the last full read (not a delta) was; drives the periodic full sync.</summary>
    public DateTimeOffset? FullReadAt { get; init; }

    /// <summary>Moves on with every commit that changes the snapshot; maintained by the store.</summary>
    public long SnapshotSeq { get; init; }

    /// <summary>Imported users in the snapshot.</summary>
    public int ImportedUsers { get; init; }

    /// <summary>Registry rows of the source per state; maintained by the store.</summary>
    public StateCounts Users { get; init; } = StateCounts.Zero;

    public PlanMemo? Memo { get; init; }
}

/// <summary>
/// What a source's last plan was made from and found. When the configuration, the snapshot and (for a source with
/// conflicts) the registry are unchanged since, planning again would decide nothing new: the plan is skipped.
/// </summary>
/// <param name="Fingerprint">Of everything in the configuration the source's plan depends on.</param>
/// <param name="Tallies">Per mapping of the source: matched and provisioned users after that plan.</param>
/// <param name="Policies">
/// Per quota policy (by name, in the source's namespace): the source's active users that plan bound to it. Kept here
/// so a policy's status can count what is stored even when the mapping that bound them is now invalid. Null in a
/// memo written before it was kept.
/// </param>
public sealed record PlanMemo(
    string Fingerprint, long SnapshotSeq, long RegistrySeq, bool Complete, DateTimeOffset WholePlanAt,
    IReadOnlyDictionary<string, MappingTally> Tallies, int Conflicts, int HeldBack,
    IReadOnlyDictionary<string, int>? Policies = null);

/// <summary>A resource's status key: kind, namespace and name.</summary>
public readonly record struct StatusKey(string Kind, string Namespace, string Name);

/// <summary>
/// The status of one resource as the last reconcile recorded it, as JSON of the kind's status type, with the hash
/// of the spec it describes and that spec's generation.
/// </summary>
public sealed record StoredStatus(
    StatusKey Key, string StatusJson, string Summary, DateTimeOffset UpdatedAt, string SpecHash = "", long Generation = 0)
{
    public string Kind => Key.Kind;
    public string Name => Key.Name;
}
