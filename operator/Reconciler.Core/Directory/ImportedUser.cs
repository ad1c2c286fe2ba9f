namespace Reconciler.Core.Directory;

/// <summary>A user as read from a directory, normalised across directory types.</summary>
public sealed record ImportedUser
{
    /// <summary>Stable id within the source that is never reused (entryUUID, objectGUID, Graph id, ...).</summary>
    public required string Id { get; init; }

    public UserDetails Details { get; init; } = UserDetails.Empty;

    /// <summary>Groups the user is a member of (DNs, names or ids, as the directory names them), nested already expanded.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>An LDAP/AD DN of the user's container or a Google orgUnitPath.</summary>
    public string OrganizationalUnit { get; init; } = "";

    public bool Enabled { get; init; } = true;

    /// <summary>Further directory attributes a filter may test, beyond the named fields. Null when there are none.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>Shorthands for the details that identify a person in messages and lookups.</summary>
    public string Email => Details.Email;

    public string UserName => Details.UserName;
}
