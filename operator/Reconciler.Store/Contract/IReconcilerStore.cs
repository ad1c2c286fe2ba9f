using Reconciler.Core.Registry;

namespace Reconciler.Store.Contract;

/// <summary>
/// Where the reconciler keeps, per source, what it imported (the snapshot and its cursor) and whom it provisioned
/// (the registry), what it did (the audit log) and what it saw (resource statuses). Implemented by SQLite (the
/// embedded default) and PostgreSQL (scale); callers depend on this contract only.
/// <para>
/// A reconcile reads through a <see cref="IStoreSession"/> (a consistent view; listings stream) and writes through
/// one <see cref="IStoreWriteSession"/>: the snapshot's changed rows, the cursor, the registry changes (each stating
/// the version it planned from) and their audit entries commit together or not at all.
/// </para>
/// </summary>
public interface IReconcilerStore : IAsyncDisposable
{
    /// <summary>Where the store is, as the user named it (a path, a URL without its password).</summary>
    string Location { get; }

    /// <summary>A consistent read-only view, for plans that write nothing (`plan`, `explain`).</summary>
    Task<IStoreSession> OpenReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The one transaction of a reconcile. Its reads see the store as it was when the transaction began (the plan's
    /// "before"); nothing is visible to others until <see cref="IStoreWriteSession.CommitAsync"/>. Disposing it
    /// uncommitted rolls everything back.
    /// </summary>
    Task<IStoreWriteSession> OpenWriteAsync(CancellationToken cancellationToken);

    /// <summary>Registry users in each state, without reading them (every state present, zero where none).</summary>
    Task<IReadOnlyDictionary<UserState, int>> CountUsersAsync(CancellationToken cancellationToken);

    /// <summary>Registry users, streamed in email order; memory stays flat however many there are.</summary>
    IAsyncEnumerable<ProvisionedUser> ListUsersAsync(UserQuery query, CancellationToken cancellationToken);

    /// <summary>Audit entries, newest first, streamed.</summary>
    IAsyncEnumerable<AuditEntry> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Every recorded status, ordered by kind, namespace and name.</summary>
    Task<IReadOnlyList<StoredStatus>> LoadStatusesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records these resources' statuses, each on its own: a status whose content is unchanged is not rewritten,
    /// and no other resource's status is touched.
    /// </summary>
    Task SaveStatusesAsync(IReadOnlyList<StoredStatus> statuses, CancellationToken cancellationToken);

    /// <summary>Forgets the status of a resource that is no longer declared.</summary>
    Task DeleteStatusAsync(StatusKey key, CancellationToken cancellationToken);
}

public sealed record UserQuery(UserState? State = null, string? Source = null);

public sealed record AuditQuery(int Limit, string? Source = null, string? ExternalId = null);

public sealed record AuditEntry(
    long Id, DateTimeOffset At, string Action, string Source, string ExternalId, string Email,
    string Mapping, string Reason, string Revision, string Details);
