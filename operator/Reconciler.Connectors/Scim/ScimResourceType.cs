using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>A schema extension of a resource type, and whether every resource must carry it (RFC 7643 §6).</summary>
public sealed record ScimSchemaExtension(ScimSchema Schema, bool Required);

/// <summary>
/// A kind of resource the service provider serves (RFC 7643 §6): its name, endpoint, core schema and extensions.
/// Finds the definition of any attribute a client names, with or without the schema URN, ignoring case.
/// </summary>
public sealed record ScimResourceType(
    string Name, string Endpoint, string Description, ScimSchema Schema, IReadOnlyList<ScimSchemaExtension> Extensions)
{
    public static ScimResourceType User { get; } =
        new("User", "/Users", "User Account", ScimSchemas.User, [new ScimSchemaExtension(ScimSchemas.EnterpriseUser, false)]);

    public static ScimResourceType Group { get; } = new("Group", "/Groups", "Group", ScimSchemas.Group, []);

    /// <summary>The core schema, then the extensions.</summary>
    public IEnumerable<ScimSchema> Schemas => Extensions.Select(e => e.Schema).Prepend(Schema);

    /// <summary>The extension schema with that URN, ignoring case; null for the core schema and unknown URNs.</summary>
    public ScimSchema? Extension(string urn)
    {
        foreach (var extension in Extensions)
        {
            if (string.Equals(extension.Schema.Id, urn, StringComparison.OrdinalIgnoreCase)) return extension.Schema;
        }
        return null;
    }

    /// <summary>
    /// The definition of the attribute or sub-attribute at <paramref name="path"/> (<c>userName</c>,
    /// <c>name.givenName</c>, <c>emails.value</c>, <c>urn:…:enterprise:2.0:User:department</c>), or null when this
    /// resource type has none.
    /// </summary>
    public ScimAttribute? FindAttribute(string path) =>
        AttributePath.TryParse(path, out var parsed) ? Locate(parsed) is { } found ? found.Sub ?? found.Attribute : null : null;

    /// <summary>Where the attribute at <paramref name="path"/> lives: core or which extension, and its definition.</summary>
    internal ScimLocation? Locate(AttributePath path)
    {
        ScimSchema? extension = null;
        ScimAttribute? attribute;
        if (path.Schema is null || string.Equals(path.Schema, Schema.Id, StringComparison.OrdinalIgnoreCase))
        {
            attribute = Common(path.Name) ?? Schema.Attribute(path.Name);
        }
        else
        {
            extension = Extension(path.Schema);
            attribute = extension?.Attribute(path.Name);
        }
        if (attribute is null) return null;
        if (path.SubAttribute is null) return new ScimLocation(extension, attribute, null);
        var sub = attribute.SubAttribute(path.SubAttribute);
        return sub is null ? null : new ScimLocation(extension, attribute, sub);
    }

    /// <summary>The resource type as one resource of a <c>/ResourceTypes</c> response (RFC 7643 §6).</summary>
    public JsonObject ToJson(string? baseLocation = null)
    {
        var meta = new JsonObject { ["resourceType"] = "ResourceType" };
        if (baseLocation is not null) meta["location"] = $"{baseLocation.TrimEnd('/')}/ResourceTypes/{Name}";
        var json = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:ResourceType"),
            ["id"] = Name,
            ["name"] = Name,
            ["endpoint"] = Endpoint,
            ["description"] = Description,
            ["schema"] = Schema.Id,
        };
        if (Extensions.Count > 0)
        {
            json["schemaExtensions"] = new JsonArray(Extensions
                .Select(e => (JsonNode?)new JsonObject { ["schema"] = e.Schema.Id, ["required"] = e.Required })
                .ToArray());
        }
        json["meta"] = meta;
        return json;
    }

    private static ScimAttribute? Common(string name) =>
        ScimSchemas.Common.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A resolved attribute: <see cref="Extension"/> is the extension schema whose object holds it (null for core and
/// common attributes, which sit at the top of the resource), <see cref="Sub"/> the sub-attribute when one was named.
/// </summary>
internal sealed record ScimLocation(ScimSchema? Extension, ScimAttribute Attribute, ScimAttribute? Sub);
