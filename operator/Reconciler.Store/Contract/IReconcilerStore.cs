using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;

namespace Reconciler.Store.Contract;

/// <summary>
/// Where the reconciler keeps what it has imported, whom it has provisioned and what it did.
/// Implemented by SQLite (embedded default) and, later, PostgreSQL (scale).
/// </summary>
public interface IReconcilerStore : IAsyncDisposable
{
    /// <summary>Every provisioned user, in every state.</summary>
    Task<IReadOnlyList<ProvisionedUser>> LoadRegistryAsync(CancellationToken cancellationToken);

    /// <summary>How many users are in each state (every state present, zero where none), without loading them.</summary>
    Task<IReadOnlyDictionary<UserState, int>> CountUsersAsync(CancellationToken cancellationToken);

    /// <summary>Users filtered by state (null: all), ordered by source then email.</summary>
    Task<IReadOnlyList<ProvisionedUser>> ListUsersAsync(UserState? state, CancellationToken cancellationToken);

    /// <summary>The last snapshot saved for a source, or null if it was never synced.</summary>
    Task<DirectorySnapshot?> LoadSnapshotAsync(string source, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a source's snapshot (users, cursor, completeness). Writes nothing and returns false when the
    /// users, cursor and completeness equal what is stored.
    /// </summary>
    Task<bool> SaveSnapshotAsync(DirectorySnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a plan's changes and appends one audit entry per change, in one transaction.
    /// Applying the same plan twice changes nothing the second time.
    /// </summary>
    Task<ApplyResult> ApplyAsync(Plan plan, ApplyContext context, CancellationToken cancellationToken);

    /// <summary>Replaces the recorded status of the given resources (and forgets resources no longer declared).</summary>
    Task SaveStatusAsync(IReadOnlyList<StoredStatus> statuses, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredStatus>> LoadStatusAsync(CancellationToken cancellationToken);

    /// <summary>Audit entries, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(int limit, CancellationToken cancellationToken);
}

/// <summary>What an apply is attributed to in the audit log.</summary>
public sealed record ApplyContext(string Revision, DateTimeOffset Now);

public sealed record ApplyResult(int UsersWritten, int AuditEntries);

/// <summary>
/// The status of one resource as the last reconcile recorded it, as JSON of the kind's status type, with the hash
/// of the spec it describes and that spec's generation.
/// </summary>
public sealed record StoredStatus(
    string Kind, string Name, string StatusJson, string Summary, DateTimeOffset UpdatedAt, string SpecHash = "", long Generation = 0);

public sealed record AuditEntry(
    long Id, DateTimeOffset At, string Action, string Source, string ExternalId, string Email,
    string Mapping, string Reason, string Revision, string Details);
