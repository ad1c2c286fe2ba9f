using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// JSON object access the SCIM way: attribute names ignore case (RFC 7643 §2.1), so a resource stored as
/// <c>userName</c> answers to <c>USERNAME</c>, and a write replaces every spelling with the schema's.
/// </summary>
internal static class ScimJson
{
    /// <summary>The member whose name equals <paramref name="name"/> ignoring case, or null.</summary>
    public static JsonNode? Get(JsonObject json, string name) => Key(json, name) is { } key ? json[key] : null;

    /// <summary>The member's key as spelt in <paramref name="json"/>, or null.</summary>
    public static string? Key(JsonObject json, string name)
    {
        if (json.ContainsKey(name)) return name;
        foreach (var member in json)
        {
            if (string.Equals(member.Key, name, StringComparison.OrdinalIgnoreCase)) return member.Key;
        }
        return null;
    }

    /// <summary>Sets the member under the schema's spelling, dropping any other spelling of it.</summary>
    public static void Set(JsonObject json, string name, JsonNode? value)
    {
        foreach (var other in json.Where(m => m.Key != name && string.Equals(m.Key, name, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            json.Remove(other.Key);
        }
        json[name] = value;
    }

    /// <summary>Removes every spelling of the member; true when there was one.</summary>
    public static bool Remove(JsonObject json, string name)
    {
        var removed = false;
        while (Key(json, name) is { } key)
        {
            json.Remove(key);
            removed = true;
        }
        return removed;
    }

    /// <summary>Unassigned in the sense of RFC 7643 §2.5: absent, null, an empty string, array or object.</summary>
    public static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonObject obj => obj.Count == 0,
        JsonValue value => value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length == 0,
        _ => false,
    };

    /// <summary>The string of a JSON string value, or null for anything else.</summary>
    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>
    /// The object holding the attributes of <paramref name="extension"/> in <paramref name="resource"/>: the resource
    /// itself for core attributes. With <paramref name="create"/>, a missing extension object is added and its URN
    /// listed in <c>schemas</c>, as RFC 7643 §3 asks of a resource that carries an extension.
    /// </summary>
    public static JsonObject? Container(JsonObject resource, ScimSchema? extension, bool create)
    {
        if (extension is null) return resource;
        if (Get(resource, extension.Id) is JsonObject existing) return existing;
        if (!create) return null;
        var created = new JsonObject();
        Set(resource, extension.Id, created);
        if (Get(resource, "schemas") is not JsonArray schemas)
        {
            schemas = new JsonArray();
            Set(resource, "schemas", schemas);
        }
        if (!schemas.Any(s => string.Equals(AsString(s), extension.Id, StringComparison.OrdinalIgnoreCase))) schemas.Add(extension.Id);
        return created;
    }

    /// <summary>Drops an extension object that no longer holds anything, and its URN from <c>schemas</c>.</summary>
    public static void DropIfEmpty(JsonObject resource, ScimSchema? extension)
    {
        if (extension is null || Get(resource, extension.Id) is not JsonObject { Count: 0 }) return;
        Remove(resource, extension.Id);
        if (Get(resource, "schemas") is not JsonArray schemas) return;
        for (var i = schemas.Count - 1; i >= 0; i--)
        {
            if (string.Equals(AsString(schemas[i]), extension.Id, StringComparison.OrdinalIgnoreCase)) schemas.RemoveAt(i);
        }
    }
}
