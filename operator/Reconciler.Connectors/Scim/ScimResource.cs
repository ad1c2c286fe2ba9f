using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// The body of a POST or PUT (RFC 7644 §3.3, §3.5.1) made into the resource to store, or refused with a 400:
/// <list type="bullet">
/// <item><c>schemas</c> must list the core schema (invalidSyntax); extensions present are added to it;</item>
/// <item>read-only attributes the client sent (id, meta, a User's groups) are dropped, as §3.3 says they are
/// ignored, and so are read-only sub-attributes (the manager's displayName);</item>
/// <item>an attribute the resource type does not define is refused (invalidSyntax), so a client's typo is heard of;
/// only the objects of extension schemas this service provider does not support (urn:… keys, such as Entra ID's
/// own) are left out;</item>
/// <item>values must have their attribute's type (invalidValue), with "True"/"False" taken as booleans, and strings
/// no control characters and at most 2,048 characters (see <see cref="ScimValues"/>);</item>
/// <item>required attributes (userName, a Group's displayName) must have a value (invalidValue);</item>
/// <item>of several values marked primary, the first stays primary (RFC 7643 §2.4 allows one).</item>
/// </list>
/// </summary>
public static class ScimResource
{
    public static JsonObject Validate(JsonNode body, ScimResourceType type)
    {
        if (body is not JsonObject request) throw ScimException.InvalidSyntax($"the body must be a JSON object, not {ScimValues.Describe(body)}");
        var schemas = ScimJson.Get(request, "schemas") as JsonArray;
        var listed = schemas?.Select(ScimJson.AsString).ToList() ?? [];
        if (!listed.Any(s => string.Equals(s, type.Schema.Id, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.InvalidSyntax($"schemas must list {type.Schema.Id}");
        }
        var result = new JsonObject { ["schemas"] = new JsonArray(type.Schema.Id) };
        foreach (var (key, value) in request)
        {
            if (key.Equals("schemas", StringComparison.OrdinalIgnoreCase)) continue;
            if (type.Extension(key) is { } extension)
            {
                if (value is null) continue;
                if (value is not JsonObject members) throw ScimException.InvalidValue($"{key} must be an object of attributes, not {ScimValues.Describe(value)}");
                foreach (var (name, member) in members)
                {
                    Keep(result, extension, extension.Attribute(name) ?? throw Unknown($"{extension.Id}:{name}", type), member, $"{extension.Id}:{name}");
                }
                continue;
            }
            if (!AttributePath.TryParse(key, out var path) || path.SubAttribute is not null || type.Locate(path) is not { } location)
            {
                // An extension this service provider does not support (Entra's own, say) is left out; a plain name
                // it does not know is a mistake the client should hear of.
                if (key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)) continue;
                throw Unknown(key, type);
            }
            Keep(result, location.Extension, location.Attribute, value, key);
        }
        foreach (var extension in type.Extensions)
        {
            var present = ScimJson.Get(result, extension.Schema.Id) is not null;
            if (extension.Required && !present) throw ScimException.InvalidValue($"the {extension.Schema.Id} extension is required");
            if (!present && listed.Any(s => string.Equals(s, extension.Schema.Id, StringComparison.OrdinalIgnoreCase)))
            {
                ((JsonArray)result["schemas"]!).Add(extension.Schema.Id);
            }
        }
        foreach (var attribute in ScimSchemas.Common.Concat(type.Schema.Attributes).Where(a => a.Required))
        {
            if (ScimJson.IsEmpty(ScimJson.Get(result, attribute.Name))) throw ScimException.InvalidValue($"{attribute.Name} is required");
        }
        return result;
    }

    private static ScimException Unknown(string name, ScimResourceType type) =>
        ScimException.InvalidSyntax($"'{name}' is not an attribute of {type.Name} resources");

    private static void Keep(JsonObject result, ScimSchema? extension, ScimAttribute? attribute, JsonNode? value, string shown)
    {
        if (attribute is null || attribute.Mutability == ScimMutability.ReadOnly) return;
        if (ScimValues.Coerce(value, attribute, shown) is not { } coerced || ScimJson.IsEmpty(coerced)) return;
        if (coerced is JsonArray list) ScimMultiValued.KeepFirstPrimary(attribute, list);
        ScimJson.Set(ScimJson.Container(result, extension, create: true)!, attribute.Name, coerced);
    }
}
