using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// The rules PATCH applies to the values of a multi-valued attribute: when two values are the same value, which
/// values a removal by value names, the value a filter creates, one primary at most, and no empty values left over.
/// </summary>
internal static class ScimMultiValued
{
    /// <summary>Two values are the same value when their <c>value</c> agrees (by its caseExact) and, if both have one, their <c>type</c>.</summary>
    public static bool SameValue(ScimAttribute attribute, JsonObject existing, JsonObject added)
    {
        if (attribute.SubAttribute("value") is not { } valueSub || ScimJson.Get(added, "value") is not JsonValue wanted) return false;
        if (!ScimFilterEvaluator.Test(ScimJson.Get(existing, "value"), ScimOperator.Eq, wanted, valueSub)) return false;
        return ScimJson.Get(added, "type") is not JsonValue type || ScimJson.Get(existing, "type") is not JsonValue other
            || string.Equals(ScimJson.AsString(type), ScimJson.AsString(other), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Every sub-attribute <paramref name="named"/> gives has the same value in <paramref name="element"/>.</summary>
    public static bool Contains(ScimAttribute attribute, JsonObject element, JsonObject named) => named.All(member =>
        member.Value is JsonValue wanted && attribute.SubAttribute(member.Key) is { } sub
            ? ScimFilterEvaluator.Test(ScimJson.Get(element, sub.Name), ScimOperator.Eq, wanted, sub)
            : JsonNode.DeepEquals(ScimJson.Get(element, member.Key), member.Value));

    /// <summary>
    /// For a filter of eq conditions joined by <c>and</c> (<c>emails[type eq "work"]</c>) that matches nothing: the
    /// value it describes (<c>{"type": "work"}</c>); null for any other filter.
    /// </summary>
    public static JsonObject? CreatedFromFilter(ScimAttribute attribute, ScimFilter filter)
    {
        var created = new JsonObject();
        return Equalities(attribute, filter, created) ? created : null;
    }

    /// <summary>RFC 7643 §2.4: at most one value is primary; the last one an operation made primary wins.</summary>
    public static void KeepOnePrimary(ScimAttribute attribute, JsonArray list, IReadOnlyList<JsonObject> touched) =>
        KeepPrimary(attribute, list, touched.LastOrDefault(IsPrimary));

    /// <summary>RFC 7643 §2.4 for a value sent whole: of the values marked primary, the first stays so.</summary>
    public static void KeepFirstPrimary(ScimAttribute attribute, JsonArray list) =>
        KeepPrimary(attribute, list, list.OfType<JsonObject>().FirstOrDefault(IsPrimary));

    /// <summary>Clears <c>primary</c> on every value but <paramref name="chosen"/> (none: the list is left as it is).</summary>
    private static void KeepPrimary(ScimAttribute attribute, JsonArray list, JsonObject? chosen)
    {
        if (chosen is null || attribute.SubAttribute("primary") is null) return;
        foreach (var element in list.OfType<JsonObject>())
        {
            if (!ReferenceEquals(element, chosen) && IsPrimary(element)) ScimJson.Set(element, "primary", false);
        }
    }

    private static bool IsPrimary(JsonObject element) => ScimValues.AsBoolean(ScimJson.Get(element, "primary")) == true;

    /// <summary>Drops values left empty, and the attribute when no value is left.</summary>
    public static void RemoveEmpty(JsonObject container, ScimAttribute attribute, JsonArray list)
    {
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (ScimJson.IsEmpty(list[i])) list.RemoveAt(i);
        }
        if (list.Count == 0) ScimJson.Remove(container, attribute.Name);
    }

    private static bool Equalities(ScimAttribute attribute, ScimFilter filter, JsonObject created)
    {
        if (filter is And and) return Equalities(attribute, and.Left, created) && Equalities(attribute, and.Right, created);
        if (filter is not Comparison { Op: ScimOperator.Eq, Value: { } value } comparison) return false;
        if (attribute.SubAttribute(comparison.Path.Name) is not { Mutability: not ScimMutability.ReadOnly } sub) return false;
        if (ScimValues.CoerceOne(value, sub, $"{attribute.Name}.{sub.Name}") is not { } coerced) return false;
        ScimJson.Set(created, sub.Name, coerced);
        return true;
    }
}

/// <summary>
/// The values of a multi-valued attribute by their <c>value</c> (compared as its caseExact says), so adding or
/// removing thousands of group members costs one lookup each rather than a scan of the whole list.
/// </summary>
internal sealed class ScimValueIndex
{
    private readonly Dictionary<string, List<JsonObject>> byValue;

    public ScimValueIndex(ScimAttribute attribute, JsonArray list)
    {
        byValue = new(attribute.SubAttribute("value")?.CaseExact == true ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        foreach (var element in list.OfType<JsonObject>()) Add(element);
    }

    public void Add(JsonObject element)
    {
        if (ValueOf(element) is not { } value) return;
        if (!byValue.TryGetValue(value, out var elements)) byValue[value] = elements = [];
        elements.Add(element);
    }

    /// <summary>The values whose <c>value</c> is that of <paramref name="named"/>; null when it has no string value to look up.</summary>
    public IReadOnlyList<JsonObject>? WithValueOf(JsonObject named) =>
        ValueOf(named) is { } value ? byValue.GetValueOrDefault(value) ?? [] : null;

    private static string? ValueOf(JsonObject element) => ScimJson.AsString(ScimJson.Get(element, "value"));
}
