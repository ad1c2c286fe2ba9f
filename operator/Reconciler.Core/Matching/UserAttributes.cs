using Reconciler.Core.Directory;

namespace Reconciler.Core.Matching;

/// <summary>Reads a user field by the name a filter uses: a named field first, then a further directory attribute.</summary>
public static class UserAttributes
{
    public static Func<ImportedUser, string?> Reader(string name) => name.ToLowerInvariant() switch
    {
        "id" => u => u.Id,
        "username" => u => u.Details.UserName,
        "email" or "mail" => u => u.Details.Email,
        "displayname" => u => u.Details.DisplayName,
        "givenname" => u => u.Details.GivenName,
        "surname" or "sn" => u => u.Details.Surname,
        "department" => u => u.Details.Department,
        "title" => u => u.Details.Title,
        "organizationalunit" => u => u.OrganizationalUnit,
        "enabled" => u => u.Enabled ? "true" : "false",
        _ => u => Lookup(u, name),
    };

    private static string? Lookup(ImportedUser user, string name)
    {
        if (user.Attributes is null) return null;
        if (user.Attributes.TryGetValue(name, out var value)) return value;
        foreach (var (key, v) in user.Attributes)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase)) return v;
        }
        return null;
    }
}
