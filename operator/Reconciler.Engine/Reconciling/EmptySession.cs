using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Text;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>The view of a store that does not exist yet (a first `plan`): no sources, no users, nothing pending.</summary>
internal sealed class EmptySession : IStoreSession, IEmailOwners
{
    public long RegistrySeq => 0;
    public long RegistryCount => 0;
    public IEmailOwners EmailOwners => this;
    public SourceRecord? Source(string source) => null;
    public IReadOnlyList<SourceRecord> Sources() => [];
    public IEnumerable<(string Id, ulong Fingerprint)> Fingerprints(string source) => [];

    public IEnumerable<(Key128 IdKey, ulong Fingerprint)> FingerprintsByKey(string source) => [];
    public ulong? Fingerprint(string source, string id) => null;
    public StoredUser? Find(string source, string id) => null;
    public IEnumerable<StoredUser> Users(string source, bool unprovisionedOnly) => [];
    public IReadOnlyList<PendingEntry> Pending(string? source = null) => [];
    public ProvisionedUser? Find(string email) => null;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
