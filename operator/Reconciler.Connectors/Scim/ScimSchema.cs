using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// A SCIM schema (RFC 7643 §7): its URN, its attributes, and its representation as a resource of <c>/Schemas</c>.
/// The core User and Group schemas and the Enterprise User extension are in <see cref="ScimSchemas"/>.
/// </summary>
public sealed record ScimSchema(string Id, string Name, string Description, IReadOnlyList<ScimAttribute> Attributes)
{
    /// <summary>The attribute of that name, ignoring case.</summary>
    public ScimAttribute? Attribute(string name)
    {
        foreach (var attribute in Attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase)) return attribute;
        }
        return null;
    }

    /// <summary>The schema as one resource of a <c>/Schemas</c> response (RFC 7643 §7 and §8.7.1).</summary>
    public JsonObject ToJson(string? baseLocation = null)
    {
        var meta = new JsonObject { ["resourceType"] = "Schema" };
        if (baseLocation is not null) meta["location"] = $"{baseLocation.TrimEnd('/')}/Schemas/{Id}";
        return new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Schema"),
            ["id"] = Id,
            ["name"] = Name,
            ["description"] = Description,
            ["attributes"] = new JsonArray(Attributes.Select(a => (JsonNode?)a.ToJson()).ToArray()),
            ["meta"] = meta,
        };
    }
}
