using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Text;
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

/// <summary>A store session passed through, for tests that change what one of its calls does.</summary>
internal abstract class DelegatingSession(IStoreSession inner) : IStoreSession
{
    public long RegistrySeq => inner.RegistrySeq;

    public long RegistryCount => inner.RegistryCount;

    public IEmailOwners EmailOwners => inner.EmailOwners;

    public SourceRecord? Source(string source) => inner.Source(source);

    public IReadOnlyList<SourceRecord> Sources() => inner.Sources();

    public virtual IEnumerable<(string Id, ulong Fingerprint)> Fingerprints(string source) => inner.Fingerprints(source);

    public virtual IEnumerable<(Key128 IdKey, ulong Fingerprint)> FingerprintsByKey(string source) =>
        inner.FingerprintsByKey(source);

    public ulong? Fingerprint(string source, string id) => inner.Fingerprint(source, id);

    public StoredUser? Find(string source, string id) => inner.Find(source, id);

    public IEnumerable<StoredUser> Users(string source, bool unprovisionedOnly) => inner.Users(source, unprovisionedOnly);

    public IReadOnlyList<PendingEntry> Pending(string? source = null) => inner.Pending(source);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
