using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// Evaluates a <see cref="ScimFilter"/> against a resource by its schema (RFC 7644 §3.4.2.2): strings compare ordinally,
/// ignoring case unless the attribute is caseExact; dateTime values as instants; numbers as numbers; booleans only by
/// eq and ne. A multi-valued attribute matches when any of its values does; a complex one without a sub-attribute
/// compares its <c>value</c>. <c>ne</c> is the negation of <c>eq</c>, so it also matches a resource without the attribute.
/// </summary>
internal static class ScimFilterEvaluator
{
    /// <summary>Where names resolve: the resource, or one value of a multi-valued attribute inside <c>[…]</c>.</summary>
    private sealed record Scope(ScimResourceType Type, JsonObject Resource, JsonObject? Element, ScimAttribute? Parent);

    public static bool Matches(ScimFilter filter, JsonObject resource, ScimResourceType type) =>
        Evaluate(filter, new Scope(type, resource, null, null));

    /// <summary>Evaluates a value filter against one value of <paramref name="parent"/> (PATCH paths use this).</summary>
    public static bool MatchesValue(ScimFilter filter, JsonObject element, ScimAttribute parent, ScimResourceType type) =>
        Evaluate(filter, new Scope(type, new JsonObject(), element, parent));

    /// <summary>
    /// The definition an operator compares by: the named sub-attribute, the <c>value</c> of a complex attribute, or
    /// the attribute itself; null when the name is unknown here (or names a complex attribute without <c>value</c>).
    /// </summary>
    public static ScimAttribute? Definition(AttributePath path, ScimResourceType type, ScimAttribute? parent, out bool known)
    {
        var attribute = Attribute(path, type, parent, out var sub);
        known = attribute is not null;
        if (attribute is null) return null;
        if (sub is not null) return sub;
        return attribute.Type == ScimType.Complex ? attribute.SubAttribute("value") : attribute;
    }

    private static bool Evaluate(ScimFilter filter, Scope scope) => filter switch
    {
        And and => Evaluate(and.Left, scope) && Evaluate(and.Right, scope),
        Or or => Evaluate(or.Left, scope) || Evaluate(or.Right, scope),
        Not not => !Evaluate(not.Filter, scope),
        Present present => Values(present.Path, scope, whole: true).Any(v => !ScimJson.IsEmpty(v)),
        Comparison comparison => Compare(comparison, scope),
        ValuePath valuePath => ValuesOf(valuePath.Path, scope) is ({ } attribute, var elements)
            && elements.OfType<JsonObject>().Any(e => Evaluate(valuePath.Filter, scope with { Element = e, Parent = attribute })),
        _ => false,
    };

    private static bool Compare(Comparison comparison, Scope scope)
    {
        var definition = Definition(comparison.Path, scope.Type, scope.Element is null ? null : scope.Parent, out _);
        if (definition is null) return false;
        var values = Values(comparison.Path, scope, whole: false);
        if (comparison.Value is null)
        {
            var assigned = values.Any(v => !ScimJson.IsEmpty(v));
            return comparison.Op switch { ScimOperator.Eq => !assigned, ScimOperator.Ne => assigned, _ => false };
        }
        if (comparison.Op == ScimOperator.Ne) return !values.Any(v => Test(v, ScimOperator.Eq, comparison.Value, definition));
        return values.Any(v => Test(v, comparison.Op, comparison.Value, definition));
    }

    /// <summary>One value against the literal, by the definition's type.</summary>
    public static bool Test(JsonNode? actual, ScimOperator op, JsonNode expected, ScimAttribute definition)
    {
        if (actual is not JsonValue value) return false;
        switch (definition.Type)
        {
            case ScimType.Boolean:
                return op == ScimOperator.Eq && ScimValues.AsBoolean(value) is { } left && ScimValues.AsBoolean(expected) is { } right && left == right;
            case ScimType.Integer or ScimType.Decimal:
                return AsNumber(value) is { } number && AsNumber(expected) is { } literal && Order(op, number.CompareTo(literal));
            case ScimType.DateTime when ScimValues.AsDateTime(value) is { } instant && ScimValues.AsDateTime(expected) is { } other
                && op is not (ScimOperator.Co or ScimOperator.Sw or ScimOperator.Ew):
                return Order(op, instant.CompareTo(other));
        }
        if (ScimJson.AsString(value) is not { } text || ScimJson.AsString(expected) is not { } wanted) return false;
        var comparison = definition.CaseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return op switch
        {
            ScimOperator.Co => text.Contains(wanted, comparison),
            ScimOperator.Sw => text.StartsWith(wanted, comparison),
            ScimOperator.Ew => text.EndsWith(wanted, comparison),
            _ => Order(op, string.Compare(text, wanted, comparison)),
        };
    }

    private static bool Order(ScimOperator op, int order) => op switch
    {
        ScimOperator.Eq => order == 0,
        ScimOperator.Ne => order != 0,
        ScimOperator.Gt => order > 0,
        ScimOperator.Ge => order >= 0,
        ScimOperator.Lt => order < 0,
        ScimOperator.Le => order <= 0,
        _ => false,
    };

    private static decimal? AsNumber(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
        && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    /// <summary>
    /// The values a name stands for in the scope. With <paramref name="whole"/> (for <c>pr</c>), a complex attribute
    /// counts as itself rather than as its <c>value</c>.
    /// </summary>
    private static IEnumerable<JsonNode?> Values(AttributePath path, Scope scope, bool whole)
    {
        if (scope.Element is not null)
        {
            var sub = Attribute(path, scope.Type, scope.Parent, out _);
            return sub is null ? [] : Flatten(ScimJson.Get(scope.Element, sub.Name));
        }
        var (attribute, items) = ValuesOf(path, scope);
        if (attribute is null) return [];
        if (path.SubAttribute is not null) return items.Select(i => i is JsonObject o ? ScimJson.Get(o, path.SubAttribute) : null);
        if (whole) return items;
        return attribute.Type == ScimType.Complex ? items.Select(i => i is JsonObject o ? ScimJson.Get(o, "value") : null) : items;
    }

    /// <summary>The attribute's definition and its values (one item for a single-valued attribute).</summary>
    private static (ScimAttribute? Attribute, IReadOnlyList<JsonNode?> Items) ValuesOf(AttributePath path, Scope scope)
    {
        if (scope.Element is not null) return (null, []);
        var location = scope.Type.Locate(path with { SubAttribute = null });
        if (location is null) return (null, []);
        var container = ScimJson.Container(scope.Resource, location.Extension, create: false);
        var node = container is null ? null : ScimJson.Get(container, location.Attribute.Name);
        return (location.Attribute, Flatten(node));
    }

    private static IReadOnlyList<JsonNode?> Flatten(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.ToList(),
        _ => [node],
    };

    private static ScimAttribute? Attribute(AttributePath path, ScimResourceType type, ScimAttribute? parent, out ScimAttribute? sub)
    {
        sub = null;
        if (parent is not null)
        {
            return path.Schema is null && path.SubAttribute is null ? parent.SubAttribute(path.Name) : null;
        }
        var location = type.Locate(path);
        sub = location?.Sub;
        return location?.Attribute;
    }
}
