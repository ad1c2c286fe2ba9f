using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// One PATCH operation on one attribute of a resource (RFC 7644 §3.5.2.1–3): add merges complex values and appends
/// to multi-valued ones (a value already there, by its <c>value</c> and <c>type</c>, is updated instead of doubled);
/// replace merges a complex value's sub-attributes, replaces a multi-valued attribute's whole list, and replaces the
/// values a filter selects; remove takes away the attribute, the selected values, or a sub-attribute of them.
/// Read-only attributes (and immutable ones that have a value) refuse any change with 400 mutability, but writing
/// the value they already have is no change and passes. Setting <c>primary</c> on one value clears it on the others.
/// </summary>
internal sealed class ScimPatchTarget(JsonObject resource, Target target, ScimResourceType type)
{
    private ScimAttribute Attribute => target.Attribute;

    public void Write(JsonNode value, bool replace)
    {
        if ((target.Filter is not null || target.Sub is not null) && Attribute.Mutability == ScimMutability.ReadOnly)
        {
            throw ScimException.Mutability($"{Attribute.Name} is readOnly");
        }
        if (target.Filter is not null) WriteFiltered(value, replace);
        else if (target.Sub is not null) WriteSub(value);
        else WriteWhole(value, replace);
        ScimJson.DropIfEmpty(resource, target.Location.Extension);
    }

    /// <summary>
    /// Removes the target. <paramref name="value"/> is Entra's way of naming which values of a multi-valued attribute
    /// (<c>[{"value": id}]</c>) or which manager to remove; <paramref name="unassign"/> is an add or replace with null.
    /// </summary>
    public void Remove(JsonNode? value, bool unassign = false)
    {
        var container = ScimJson.Container(resource, target.Location.Extension, create: false);
        if (target.Filter is not null) RemoveFiltered(container);
        else if (target.Sub is not null) RemoveSub(container);
        else RemoveWhole(container, value, unassign);
        ScimJson.DropIfEmpty(resource, target.Location.Extension);
    }

    private void WriteWhole(JsonNode value, bool replace)
    {
        var container = ScimJson.Container(resource, target.Location.Extension, create: true)!;
        var current = ScimJson.Get(container, Attribute.Name);
        var coerced = ScimValues.Coerce(value, Attribute, target.Shown);
        if (Unchanged(current, coerced)) return;
        CheckMutable(Attribute, current);
        if (ScimJson.IsEmpty(coerced))
        {
            RemoveWhole(container, null, unassign: true);
            return;
        }
        if (Attribute.MultiValued && coerced is JsonArray added)
        {
            var list = !replace && current is JsonArray kept ? kept : [];
            var touched = new List<JsonObject>();
            var index = new ScimValueIndex(Attribute, list);
            foreach (var item in added.ToList())
            {
                added.Remove(item);
                touched.Add(Merge(list, index, (JsonObject)item!));
            }
            ScimJson.Set(container, Attribute.Name, list);
            ScimMultiValued.KeepOnePrimary(Attribute, list, touched);
        }
        else if (Attribute.Type == ScimType.Complex && current is JsonObject existing && coerced is JsonObject merged)
        {
            foreach (var (key, sub) in merged.ToList())
            {
                merged.Remove(key);
                ScimJson.Set(existing, key, sub);
            }
        }
        else
        {
            ScimJson.Set(container, Attribute.Name, coerced);
        }
    }

    private void WriteSub(JsonNode value)
    {
        var sub = target.Sub!;
        var coerced = ScimValues.CoerceOne(value, sub, target.Shown);
        var container = ScimJson.Container(resource, target.Location.Extension, create: true)!;
        var current = ScimJson.Get(container, Attribute.Name);
        if (Attribute.MultiValued)
        {
            if (current is not JsonArray { Count: > 0 } list)
            {
                list = [];
                ScimJson.Set(container, Attribute.Name, list);
                list.Add(new JsonObject());
            }
            var elements = list.OfType<JsonObject>().ToList();
            foreach (var element in elements) SetSub(element, sub, coerced?.DeepClone());
            ScimMultiValued.KeepOnePrimary(Attribute, list, elements);
            ScimMultiValued.RemoveEmpty(container, Attribute, list);
            return;
        }
        if (current is not JsonObject holder)
        {
            CheckMutable(Attribute, current);
            holder = new JsonObject();
            ScimJson.Set(container, Attribute.Name, holder);
        }
        SetSub(holder, sub, coerced);
        if (holder.Count == 0) ScimJson.Remove(container, Attribute.Name);
    }

    private void WriteFiltered(JsonNode value, bool replace)
    {
        var container = ScimJson.Container(resource, target.Location.Extension, create: true)!;
        if (ScimJson.Get(container, Attribute.Name) is not JsonArray list)
        {
            list = [];
            ScimJson.Set(container, Attribute.Name, list);
        }
        var matches = Matching(list);
        if (matches.Count == 0)
        {
            var created = ScimMultiValued.CreatedFromFilter(Attribute, target.Filter!)
                ?? throw ScimException.NoTarget($"no value of {Attribute.Name} matches [{target.Filter}]");
            list.Add(created);
            matches.Add(created);
        }
        if (target.Sub is { } sub)
        {
            var coerced = ScimValues.CoerceOne(value, sub, target.Shown);
            foreach (var match in matches) SetSub(match, sub, coerced?.DeepClone());
        }
        else
        {
            var coerced = ScimValues.CoerceOne(value, Attribute, target.Shown) as JsonObject
                ?? throw ScimException.InvalidValue($"{target.Shown} needs an object of sub-attributes");
            foreach (var match in matches)
            {
                if (replace) match.Clear();
                foreach (var (key, member) in coerced) ScimJson.Set(match, key, member?.DeepClone());
            }
        }
        ScimMultiValued.KeepOnePrimary(Attribute, list, matches);
        ScimMultiValued.RemoveEmpty(container, Attribute, list);
    }

    private void RemoveWhole(JsonObject? container, JsonNode? value, bool unassign)
    {
        var current = container is null ? null : ScimJson.Get(container, Attribute.Name);
        if (Attribute.Mutability == ScimMutability.ReadOnly) throw ScimException.Mutability($"{Attribute.Name} is readOnly");
        if (ScimJson.IsEmpty(current)) return;
        if (Attribute.Required) throw ScimException.Mutability($"{Attribute.Name} is required: it can be replaced, not removed");
        CheckMutable(Attribute, current);
        if (value is not null && !unassign)
        {
            RemoveNamedValues(container!, current!, value);
            return;
        }
        ScimJson.Remove(container!, Attribute.Name);
    }

    /// <summary>
    /// Entra's removal by value: the listed members go, the others stay (an empty list removes nothing). A value given
    /// with the removal of a single-valued attribute, such as the manager, is ignored as RFC 7644 §3.5.2.2 says.
    /// </summary>
    private void RemoveNamedValues(JsonObject container, JsonNode current, JsonNode value)
    {
        if (!Attribute.MultiValued || current is not JsonArray list)
        {
            ScimJson.Remove(container, Attribute.Name);
            return;
        }
        var named = (JsonArray)ScimValues.Coerce(value, Attribute, target.Shown)!;
        var index = new ScimValueIndex(Attribute, list);
        var doomed = new HashSet<JsonObject>(ReferenceEqualityComparer.Instance);
        foreach (var name in named.OfType<JsonObject>())
        {
            var candidates = index.WithValueOf(name) ?? list.OfType<JsonObject>().ToList();
            doomed.UnionWith(candidates.Where(e => ScimMultiValued.Contains(Attribute, e, name)));
        }
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i] is JsonObject element && doomed.Contains(element)) list.RemoveAt(i);
        }
        if (list.Count == 0) ScimJson.Remove(container, Attribute.Name);
    }

    private void RemoveSub(JsonObject? container)
    {
        var sub = target.Sub!;
        var current = container is null ? null : ScimJson.Get(container, Attribute.Name);
        if (Attribute.Mutability == ScimMutability.ReadOnly || sub.Mutability == ScimMutability.ReadOnly)
        {
            throw ScimException.Mutability($"{target.Shown} is readOnly");
        }
        var elements = current switch { JsonArray list => list.OfType<JsonObject>().ToList(), JsonObject one => [one], _ => [] };
        foreach (var element in elements) SetSub(element, sub, null);
        if (current is JsonArray array) ScimMultiValued.RemoveEmpty(container!, Attribute, array);
        else if (current is JsonObject { Count: 0 }) ScimJson.Remove(container!, Attribute.Name);
    }

    private void RemoveFiltered(JsonObject? container)
    {
        var list = container is null ? null : ScimJson.Get(container, Attribute.Name) as JsonArray;
        var matches = list is null ? [] : Matching(list);
        if (matches.Count == 0) throw ScimException.NoTarget($"no value of {Attribute.Name} matches [{target.Filter}]");
        CheckMutable(Attribute, list);
        if (target.Sub is { } sub)
        {
            if (sub.Mutability is ScimMutability.ReadOnly or ScimMutability.Immutable) throw ScimException.Mutability($"{target.Shown} is {Name(sub.Mutability)}");
            foreach (var match in matches) SetSub(match, sub, null);
        }
        else
        {
            foreach (var match in matches) list!.Remove(match);
        }
        ScimMultiValued.RemoveEmpty(container!, Attribute, list!);
    }

    /// <summary>Sets or (with null) removes one sub-attribute, honouring its mutability.</summary>
    private static void SetSub(JsonObject element, ScimAttribute sub, JsonNode? value)
    {
        var current = ScimJson.Get(element, sub.Name);
        if (Unchanged(current, value)) return;
        CheckMutable(sub, current);
        if (value is null) ScimJson.Remove(element, sub.Name);
        else ScimJson.Set(element, sub.Name, value);
    }

    /// <summary>Adds <paramref name="item"/> to the list, or merges it into the value it repeats; returns the value written.</summary>
    private JsonObject Merge(JsonArray list, ScimValueIndex index, JsonObject added)
    {
        var candidates = index.WithValueOf(added) ?? [];
        var same = candidates.FirstOrDefault(e => ScimMultiValued.SameValue(Attribute, e, added));
        if (same is null)
        {
            list.Add(added);
            index.Add(added);
            return added;
        }
        foreach (var (key, member) in added.ToList())
        {
            added.Remove(key);
            ScimJson.Set(same, key, member);
        }
        return same;
    }

    private List<JsonObject> Matching(JsonArray list) =>
        list.OfType<JsonObject>().Where(e => ScimFilterEvaluator.MatchesValue(target.Filter!, e, Attribute, type)).ToList();

    private static bool Unchanged(JsonNode? current, JsonNode? value) =>
        (ScimJson.IsEmpty(current) && ScimJson.IsEmpty(value)) || JsonNode.DeepEquals(current, value);

    /// <summary>Read-only never changes; immutable changes only while it has no value (RFC 7643 §7).</summary>
    private static void CheckMutable(ScimAttribute attribute, JsonNode? current)
    {
        if (attribute.Mutability == ScimMutability.ReadOnly) throw ScimException.Mutability($"{attribute.Name} is readOnly");
        if (attribute.Mutability == ScimMutability.Immutable && !ScimJson.IsEmpty(current))
        {
            throw ScimException.Mutability($"{attribute.Name} is immutable: it already has a value");
        }
    }

    private static string Name(ScimMutability mutability) => mutability == ScimMutability.ReadOnly ? "readOnly" : "immutable";
}
