using Reconciler.Core.Resources;

namespace Reconciler.Core.Registry;

public enum UserState { Active, Preserved, Disabled }

/// <summary>A user in the registry: provisioned from one source, with what its winning mapping gave it.</summary>
public sealed record ProvisionedUser
{
    /// <summary>Name of the DirectorySource the user came from. (Source, ExternalId) is the user's stable identity.</summary>
    public required string Source { get; init; }
    public required string ExternalId { get; init; }

    public string UserName { get; init; } = "";
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string GivenName { get; init; } = "";
    public string Surname { get; init; } = "";
    public string Department { get; init; } = "";
    public string Title { get; init; } = "";

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
}
