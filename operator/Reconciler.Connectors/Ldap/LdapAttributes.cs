using System.DirectoryServices.Protocols;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// Which directory attribute holds each user field: <c>spec.attributes</c> where set, the type's defaults elsewhere
/// (OpenLDAP: entryUUID, uid, mail, cn, givenName, sn, departmentNumber, title). Only these, memberOf and the lock
/// attribute are requested, so a read never carries photos or certificates.
/// </summary>
public sealed class LdapAttributes
{
    private static readonly Dictionary<string, string> LdapDefaults = new(StringComparer.Ordinal)
    {
        ["userName"] = "uid",
        ["email"] = "mail",
        ["displayName"] = "cn",
        ["givenName"] = "givenName",
        ["surname"] = "sn",
        ["department"] = "departmentNumber",
        ["title"] = "title",
    };

    private readonly (DetailField Field, string Attribute)[] _details;

    // Attributes the spec names explicitly: one that no entry has is a typo, and fails the read.
    private readonly List<(string Field, string Attribute)> _configured = [];

    private LdapAttributes(string id, (DetailField, string)[] details, string[] requested)
    {
        Id = id;
        _details = details;
        Requested = requested;
    }

    /// <summary>The attribute that holds the stable id.</summary>
    public string Id { get; }

    /// <summary>What a user search asks the server for.</summary>
    public string[] Requested { get; }

    public static LdapAttributes For(DirectorySource source)
    {
        var mapping = source.Spec.Attributes;
        var id = Configured(mapping?.Id) ?? "entryUUID";
        var details = UserDetails.Fields
            .Select(field => (field, Configured(mapping?.For(field.Name)) ?? LdapDefaults[field.Name]))
            .ToArray();
        var requested = new[] { id, "memberOf", "pwdAccountLockedTime" }
            .Concat(details.Select(d => d.Item2))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var attributes = new LdapAttributes(id, details, requested);
        if (mapping?.Id is not null) attributes._configured.Add(("id", id));
        foreach (var (field, attribute) in details)
        {
            if (Configured(mapping?.For(field.Name)) is not null) attributes._configured.Add((field.Name, attribute));
        }
        return attributes;
    }

    /// <summary>The user an entry describes, or null when it has no id.</summary>
    public ImportedUser? User(SearchResultEntry entry, IReadOnlyList<string> groups, string organizationalUnit, bool enabled)
    {
        var id = First(entry, Id);
        if (string.IsNullOrWhiteSpace(id)) return null;
        var details = UserDetails.Empty;
        foreach (var (field, attribute) in _details) details = field.With(details, First(entry, attribute) ?? "");
        return new ImportedUser
        {
            Id = id,
            Details = details,
            Groups = groups,
            OrganizationalUnit = organizationalUnit,
            Enabled = enabled,
        };
    }

    /// <summary>Counts which configured attributes the entry has.</summary>
    public void Count(SearchResultEntry entry, Dictionary<string, int> seen)
    {
        foreach (var (_, attribute) in _configured)
        {
            if (entry.Attributes[attribute] is { Count: > 0 }) seen[attribute] = seen.GetValueOrDefault(attribute) + 1;
        }
    }

    /// <summary>"spec.attributes.FIELD 'NAME'" for a configured attribute no entry had, or null.</summary>
    public string? NeverSeen(Dictionary<string, int> seen, long entries)
    {
        if (entries == 0) return null;
        foreach (var (field, attribute) in _configured)
        {
            if (!seen.ContainsKey(attribute)) return $"'{attribute}' that spec.attributes.{field} names";
        }
        return null;
    }

    private static string? First(SearchResultEntry entry, string attribute)
    {
        if (entry.Attributes[attribute] is not { Count: > 0 } values) return null;
        return values.GetValues(typeof(string)) is [string first, ..] ? first.Trim() : null;
    }

    private static string? Configured(string? attribute) => string.IsNullOrWhiteSpace(attribute) ? null : attribute.Trim();
}
