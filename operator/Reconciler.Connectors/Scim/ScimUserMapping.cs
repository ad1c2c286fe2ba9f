using System.Text.Json.Nodes;
using Reconciler.Core.Directory;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// The imported user a SCIM User resource describes, so mappings provision SCIM users like any other source's:
/// id = the resource id; userName; the primary email (else the work one, else the first); displayName (else
/// name.formatted, else given and family names); name.givenName and familyName; title; the enterprise extension's
/// department; the displayName of every group listing the user; active (true when absent). externalId, userType and
/// the enterprise employeeNumber, costCenter, organization and division are kept as attributes mappings may test.
/// </summary>
public static class ScimUserMapping
{
    public const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    public static ImportedUser ToImportedUser(string id, JsonObject user, IReadOnlyList<string> groups)
    {
        var name = ScimJson.Get(user, "name") as JsonObject;
        var enterprise = ScimJson.Get(user, EnterpriseSchema) as JsonObject;
        var given = Text(name, "givenName");
        var family = Text(name, "familyName");
        var display = Text(user, "displayName") is { Length: > 0 } shown ? shown
            : Text(name, "formatted") is { Length: > 0 } formatted ? formatted
            : $"{given} {family}".Trim();
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        Keep(attributes, "externalId", Text(user, "externalId"));
        Keep(attributes, "userType", Text(user, "userType"));
        foreach (var field in new[] { "employeeNumber", "costCenter", "organization", "division" }) Keep(attributes, field, Text(enterprise, field));
        return new ImportedUser
        {
            Id = id,
            Details = new UserDetails
            {
                UserName = Text(user, "userName"),
                Email = Email(ScimJson.Get(user, "emails") as JsonArray),
                DisplayName = display,
                GivenName = given,
                Surname = family,
                Department = Text(enterprise, "department"),
                Title = Text(user, "title"),
            },
            Groups = groups,
            Enabled = ScimValues.AsBoolean(ScimJson.Get(user, "active")) ?? true,
            Attributes = attributes.Count > 0 ? attributes : null,
        };
    }

    /// <summary>The primary email's value, else the work one's, else the first one's; empty when there is none.</summary>
    private static string Email(JsonArray? emails)
    {
        if (emails is null) return "";
        var values = emails.OfType<JsonObject>().ToList();
        var chosen = values.FirstOrDefault(e => ScimValues.AsBoolean(ScimJson.Get(e, "primary")) == true)
            ?? values.FirstOrDefault(e => string.Equals(Text(e, "type"), "work", StringComparison.OrdinalIgnoreCase))
            ?? values.FirstOrDefault();
        return Text(chosen, "value");
    }

    private static void Keep(Dictionary<string, string> attributes, string name, string value)
    {
        if (value.Length > 0) attributes[name] = value;
    }

    private static string Text(JsonObject? json, string name) => json is null ? "" : ScimResourceKeys.Text(json, name).Trim();
}
