using System.Text.Json.Nodes;
using Reconciler.Connectors.Scim;

namespace Reconciler.Http.Scim;

/// <summary>
/// What the service provider says about itself (RFC 7644 §4, RFC 7643 §5–7): PATCH, filter (with the page cap),
/// ETags and bulk-free, sort-free operation, bearer-token authentication; the User, Group and Enterprise User schemas;
/// the User and Group resource types.
/// </summary>
internal static class ScimDiscovery
{

    public static JsonObject ServiceProviderConfig(string baseUrl, ScimOptions options) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"),
        ["patch"] = new JsonObject { ["supported"] = true },
        ["bulk"] = new JsonObject { ["supported"] = false, ["maxOperations"] = 0, ["maxPayloadSize"] = 0 },
        ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = options.MaxPageSize },
        ["changePassword"] = new JsonObject { ["supported"] = false },
        ["sort"] = new JsonObject { ["supported"] = false },
        ["etag"] = new JsonObject { ["supported"] = true },
        ["authenticationSchemes"] = new JsonArray(new JsonObject
        {
            ["type"] = "oauthbearertoken",
            ["name"] = "Bearer token",
            ["description"] = "A token made by 'reconciler scim token create SOURCE', sent as 'Authorization: Bearer TOKEN'",
            ["primary"] = true,
        }),
        ["meta"] = new JsonObject { ["resourceType"] = "ServiceProviderConfig", ["location"] = $"{baseUrl}/ServiceProviderConfig" },
    };

    private static IEnumerable<ScimSchema> AllSchemas => [ScimSchemas.User, ScimSchemas.Group, ScimSchemas.EnterpriseUser];

    public static JsonObject Schemas(string baseUrl) => List(AllSchemas.Select(s => s.ToJson(baseUrl)).ToList());

    public static JsonObject Schema(string baseUrl, string id) =>
        AllSchemas.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))?.ToJson(baseUrl)
        ?? throw new ScimException(404, null, $"no schema {id}");

    public static JsonObject ResourceTypes(string baseUrl) =>
        List([ScimResourceType.User.ToJson(baseUrl), ScimResourceType.Group.ToJson(baseUrl)]);

    public static JsonObject ResourceType(string baseUrl, string name) =>
        new[] { ScimResourceType.User, ScimResourceType.Group }.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            ?.ToJson(baseUrl) ?? throw new ScimException(404, null, $"no resource type {name}");

    private static JsonObject List(IReadOnlyList<JsonObject> resources) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemas.ListResponseUrn),
        ["totalResults"] = resources.Count,
        ["startIndex"] = 1,
        ["itemsPerPage"] = resources.Count,
        ["Resources"] = new JsonArray([.. resources]),
    };
}
