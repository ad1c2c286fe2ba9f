namespace Reconciler.Store.Contract;

/// <summary>
/// What SCIM sources keep, beside the imported entries every source has: one bearer token per source (its hash), and
/// the resources the identity provider pushed, as it sent them. A resource write is one transaction with the
/// imported entries it changes, each marked for the next plan of its source, so a user the IdP created is never
/// half stored and is always planned.
/// </summary>
public interface IScimStore
{
    /// <summary>Stores a source's token hash, replacing (and so revoking) the one it had.</summary>
    Task SaveTokenAsync(ScimToken token, CancellationToken cancellationToken);

    /// <summary>The token of a source; null when it never had one.</summary>
    Task<ScimToken?> FindTokenAsync(string source, CancellationToken cancellationToken);

    /// <summary>A resource by id; null when there is none.</summary>
    Task<StoredScimResource?> GetResourceAsync(string source, ScimKind kind, string id, CancellationToken cancellationToken);

    /// <summary>A resource by userName (User) or displayName (Group), case-insensitively; null when there is none.</summary>
    Task<StoredScimResource?> FindResourceByNameAsync(string source, ScimKind kind, string name, CancellationToken cancellationToken);

    /// <summary>Every resource of a kind, in id order (ordinal), streamed.</summary>
    IAsyncEnumerable<StoredScimResource> ListResourcesAsync(string source, ScimKind kind, CancellationToken cancellationToken);

    /// <summary>The ids of the groups listing a user as a member, in id order.</summary>
    Task<IReadOnlyList<string>> GroupsOfAsync(string source, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates, replaces or deletes resources, with the imported entries that follow from each, in one transaction (a
    /// group commit). Each is applied or refused on its own: <see cref="ScimConflictException"/> when the name is taken
    /// or the resource is not at the version the write expected, <see cref="ScimNotFoundException"/> when a replaced
    /// or deleted resource is gone; a refused write leaves nothing of itself and does not stop the others.
    /// </summary>
    Task<IReadOnlyList<ScimWriteResult>> WriteResourcesAsync(IReadOnlyList<ScimWrite> writes, CancellationToken cancellationToken);
}

/// <summary>What became of one write of a group commit: the resource as stored (null after a delete), or why it was refused.</summary>
public sealed record ScimWriteResult(StoredScimResource? Stored, StoreException? Refused);

public enum ScimKind { User, Group }

/// <summary>A source's bearer token: only its SHA-256 is kept.</summary>
public sealed record ScimToken(string Source, byte[] Hash, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>A stored resource: the JSON the IdP sent (meta aside), its name key (upper-cased userName or displayName), version, and when it was made and changed.</summary>
/// <param name="Members">For a group, the ids of its members.</param>
public sealed record StoredScimResource(
    string Source, ScimKind Kind, string Id, string NameKey, string? ExternalId, long Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Json, IReadOnlyList<string> Members);

/// <summary>
/// One resource write and what it changes in the source's imported entries.
/// </summary>
/// <param name="ExpectedVersion">Null to create; the version read, to replace or delete (compare-and-swap).</param>
/// <param name="Resource">The resource to store; null to delete it.</param>
/// <param name="Imported">Imported entries to store (a user, or the members whose groups a group write changed).</param>
/// <param name="Removed">Ids whose imported entry goes (a deleted user): their registry rows stay, to be preserved.</param>
public sealed record ScimWrite(
    string Source, ScimKind Kind, string Id, long? ExpectedVersion, ScimResourceBody? Resource, DateTimeOffset Now,
    IReadOnlyList<ImportedRow> Imported, IReadOnlyList<string> Removed);

/// <summary>What a write stores of a resource.</summary>
public sealed record ScimResourceBody(string Name, string? ExternalId, string Json, IReadOnlyList<string> Members);

/// <summary>The name is taken, or the resource changed since it was read: HTTP 409 (or 412 for a version).</summary>
public sealed class ScimConflictException(string message, bool versionMismatch) : StoreException(message)
{
    public bool VersionMismatch { get; } = versionMismatch;
}

/// <summary>The resource a write names does not exist (any more).</summary>
public sealed class ScimNotFoundException(string message) : StoreException(message);
