using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Tests.Reconciling;

/// <summary>The real store passed through, for tests that change what one of its calls does.</summary>
internal abstract class DelegatingStore(IReconcilerStore inner) : IReconcilerStore
{
    public string Location => inner.Location;

    public virtual Task<IStoreSession> OpenReadAsync(CancellationToken cancellationToken) => inner.OpenReadAsync(cancellationToken);

    public virtual Task<IStoreWriteSession> OpenWriteAsync(CancellationToken cancellationToken) => inner.OpenWriteAsync(cancellationToken);

    public Task<IReadOnlyDictionary<UserState, int>> CountUsersAsync(CancellationToken cancellationToken) => inner.CountUsersAsync(cancellationToken);

    public IAsyncEnumerable<ProvisionedUser> ListUsersAsync(UserQuery query, CancellationToken cancellationToken) => inner.ListUsersAsync(query, cancellationToken);

    public IAsyncEnumerable<AuditEntry> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken) => inner.ReadAuditAsync(query, cancellationToken);

    public Task<IReadOnlyList<StoredStatus>> LoadStatusesAsync(CancellationToken cancellationToken) => inner.LoadStatusesAsync(cancellationToken);

    public Task SaveStatusesAsync(IReadOnlyList<StoredStatus> statuses, CancellationToken cancellationToken) => inner.SaveStatusesAsync(statuses, cancellationToken);

    public Task DeleteStatusAsync(StatusKey key, CancellationToken cancellationToken) => inner.DeleteStatusAsync(key, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
