using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// What a store keys a validated resource by: its name (a User's userName, a Group's displayName), its externalId,
/// and a group's member ids. Attribute names are matched ignoring case, as SCIM compares them.
/// </summary>
public static class ScimResourceKeys
{
    public static string Name(JsonObject resource, ScimResourceType type) =>
        Text(resource, type == ScimResourceType.User ? "userName" : "displayName");

    public static string? ExternalId(JsonObject resource) => Text(resource, "externalId") is { Length: > 0 } id ? id : null;

    /// <summary>The distinct <c>value</c>s of a group's members, in the order sent.</summary>
    public static IReadOnlyList<string> MemberIds(JsonObject group) =>
        ScimJson.Get(group, "members") is JsonArray members
            ? members.OfType<JsonObject>().Select(m => Text(m, "value")).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList()
            : [];

    internal static string Text(JsonObject json, string name) => ScimJson.AsString(ScimJson.Get(json, name)) ?? "";
}
