using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// Which attributes a response shows (RFC 7643 §7 "returned", RFC 7644 §3.4.2.5 and §3.9). Attributes returned
/// "never" (password) are never shown; "always" ones (id, and schemas, which every representation carries) always are.
/// With <c>attributes</c>, only those (and the "always" ones) are shown, a sub-attribute selecting just that part
/// of its attribute and an extension URN the whole extension; otherwise every "default" attribute is. Then
/// <c>excludedAttributes</c> takes away what it names, never an "always" attribute. Names ignore case, may carry the
/// schema URN, and names the resource type does not have are ignored, as the RFC asks of these parameters. Members
/// of the stored resource that the resource type does not define are not shown.
/// </summary>
public static class ScimProjection
{
    public static JsonObject Apply(JsonObject resource, ScimResourceType type, IReadOnlyList<string>? attributes, IReadOnlyList<string>? excludedAttributes)
    {
        var selected = Selections(attributes, type);
        var excluded = Selections(excludedAttributes, type);
        var result = new JsonObject();
        foreach (var (key, value) in resource)
        {
            if (key.Equals("schemas", StringComparison.OrdinalIgnoreCase))
            {
                result[key] = value?.DeepClone();
                continue;
            }
            if (type.Extension(key) is { } extension)
            {
                if (value is not JsonObject members) continue;
                var projected = new JsonObject();
                foreach (var (name, member) in members)
                {
                    if (extension.Attribute(name) is { } attribute && Project(extension, attribute, member, selected, excluded) is { } shown)
                    {
                        projected[name] = shown;
                    }
                }
                if (projected.Count > 0) result[key] = projected;
                continue;
            }
            if (type.Locate(new AttributePath(null, key)) is { } location && Project(null, location.Attribute, value, selected, excluded) is { } kept)
            {
                result[key] = kept;
            }
        }
        return result;
    }

    /// <summary>One attribute named by <c>attributes</c> or <c>excludedAttributes</c>; no attribute means the whole extension.</summary>
    private sealed record Selection(ScimSchema? Extension, ScimAttribute? Attribute, ScimAttribute? Sub);

    private static JsonNode? Project(ScimSchema? extension, ScimAttribute attribute, JsonNode? value, List<Selection> selected, List<Selection> excluded)
    {
        if (value is null || attribute.Returned == ScimReturned.Never) return null;
        if (attribute.Returned == ScimReturned.Always) return WithoutNever(attribute, value.DeepClone(), null);
        var mine = selected.Where(s => s.Extension == extension && (s.Attribute is null || ReferenceEquals(s.Attribute, attribute))).ToList();
        HashSet<ScimAttribute>? subs = null;
        if (selected.Count > 0)
        {
            if (mine.Count == 0) return null;
            if (mine.All(s => s.Sub is not null)) subs = new HashSet<ScimAttribute>(mine.Select(s => s.Sub!), ReferenceEqualityComparer.Instance);
        }
        else if (attribute.Returned == ScimReturned.Request)
        {
            return null;
        }
        var gone = excluded.Where(s => s.Extension == extension && (s.Attribute is null || ReferenceEquals(s.Attribute, attribute))).ToList();
        if (gone.Any(s => s.Sub is null)) return null;
        var shown = WithoutNever(attribute, value.DeepClone(), subs);
        foreach (var sub in gone) Strip(shown, sub.Sub!.Name);
        return ScimJson.IsEmpty(shown) ? null : shown;
    }

    /// <summary>The value without sub-attributes returned "never" and, when <paramref name="keep"/> is given, without any other.</summary>
    private static JsonNode WithoutNever(ScimAttribute attribute, JsonNode value, HashSet<ScimAttribute>? keep)
    {
        if (attribute.Type != ScimType.Complex) return value;
        foreach (var sub in attribute.SubAttributes)
        {
            var hidden = sub.Returned == ScimReturned.Never || (keep is not null && !keep.Contains(sub) && sub.Returned != ScimReturned.Always);
            if (hidden) Strip(value, sub.Name);
        }
        if (value is JsonArray list)
        {
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (ScimJson.IsEmpty(list[i])) list.RemoveAt(i);
            }
        }
        return value;
    }

    /// <summary>Removes a sub-attribute from a complex value or from every value of a multi-valued one.</summary>
    private static void Strip(JsonNode value, string sub)
    {
        if (value is JsonObject one) ScimJson.Remove(one, sub);
        if (value is JsonArray many)
        {
            foreach (var element in many.OfType<JsonObject>()) ScimJson.Remove(element, sub);
        }
    }

    private static List<Selection> Selections(IReadOnlyList<string>? names, ScimResourceType type)
    {
        var selections = new List<Selection>();
        foreach (var raw in names ?? [])
        {
            var name = raw.Trim();
            if (type.Extension(name) is { } whole)
            {
                selections.Add(new Selection(whole, null, null));
                continue;
            }
            if (AttributePath.TryParse(name, out var path) && type.Locate(path) is { } location)
            {
                selections.Add(new Selection(location.Extension, location.Attribute, location.Sub));
            }
        }
        return selections;
    }
}
