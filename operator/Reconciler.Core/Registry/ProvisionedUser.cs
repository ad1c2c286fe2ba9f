using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Registry;

public enum UserState { Active, Preserved, Disabled }

/// <summary>A user in the registry: provisioned from one source, with what its winning mapping gave it.</summary>
public sealed record ProvisionedUser
{
    /// <summary>
    /// The DirectorySource the user came from, as <see cref="ResourceKey.QualifiedName"/> (its name, prefixed by its
    /// namespace outside the default one). (Source, ExternalId) is the user's stable identity.
    /// </summary>
    public required string Source { get; init; }
    public required string ExternalId { get; init; }

    /// <summary>The directory details as last copied from the directory (they follow it when the mapping auto-updates).</summary>
    public UserDetails Details { get; init; } = UserDetails.Empty;

    public UserState State { get; init; } = UserState.Active;

    /// <summary>The mapping that provisioned (or last matched) the user.</summary>
    public string Mapping { get; init; } = "";
    public string Profile { get; init; } = "";
    public string StorageRegion { get; init; } = "";

    /// <summary>Quota in bytes; 0 is unlimited.</summary>
    public long QuotaBytes { get; init; }
    public string? QuotaPolicy { get; init; }
    public LoginMechanism LoginMechanism { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// The store's version of this row: 0 before it is first stored, then one more on every write. A write states
    /// the version it planned from; a store that holds another version refuses it (compare-and-swap).
    /// </summary>
    public long Version { get; init; }

    /// <summary>Shorthands for the details that identify a person in messages and lookups.</summary>
    public string Email => Details.Email;

    public string UserName => Details.UserName;
}
