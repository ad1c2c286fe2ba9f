using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// Checks a parsed filter against a resource type before a search, so a client that names an attribute the type
/// does not have, or compares a boolean with <c>gt</c>, hears 400 invalidFilter instead of an empty list.
/// </summary>
internal static class ScimFilterValidator
{
    public static string? Validate(ScimFilter filter, ScimResourceType type) => Check(filter, type, null);

    /// <summary>Checks the filter inside <c>attribute[…]</c>, whose names are sub-attributes of <paramref name="parent"/>.</summary>
    public static string? ValidateValueFilter(ScimFilter filter, ScimResourceType type, ScimAttribute parent) => Check(filter, type, parent);

    private static string? Check(ScimFilter filter, ScimResourceType type, ScimAttribute? parent) => filter switch
    {
        And and => Check(and.Left, type, parent) ?? Check(and.Right, type, parent),
        Or or => Check(or.Left, type, parent) ?? Check(or.Right, type, parent),
        Not not => Check(not.Filter, type, parent),
        Present present => Known(present.Path, type, parent),
        Comparison comparison => CheckComparison(comparison, type, parent),
        ValuePath valuePath => CheckValuePath(valuePath, type),
        _ => "unsupported filter",
    };

    private static string? Known(AttributePath path, ScimResourceType type, ScimAttribute? parent)
    {
        ScimFilterEvaluator.Definition(path, type, parent, out var known);
        return known ? null : Unknown(path, type, parent);
    }

    private static string? CheckComparison(Comparison comparison, ScimResourceType type, ScimAttribute? parent)
    {
        var path = comparison.Path;
        var definition = ScimFilterEvaluator.Definition(path, type, parent, out var known);
        if (!known) return Unknown(path, type, parent);
        if (definition is null) return $"'{path}' is complex: compare one of its sub-attributes";
        var op = comparison.Op.ToString().ToLowerInvariant();
        var value = comparison.Value;
        if (value is null)
        {
            return comparison.Op is ScimOperator.Eq or ScimOperator.Ne ? null : $"'{op}' cannot compare with null; use eq or ne";
        }
        var kind = value.GetValueKind();
        switch (definition.Type)
        {
            case ScimType.Boolean:
                if (comparison.Op is not (ScimOperator.Eq or ScimOperator.Ne)) return $"'{op}' does not apply to the boolean '{path}'; use eq or ne";
                return ScimValues.AsBoolean(value) is null ? $"'{path}' is a boolean: compare it with true or false" : null;
            case ScimType.Integer or ScimType.Decimal:
                if (comparison.Op is ScimOperator.Co or ScimOperator.Sw or ScimOperator.Ew) return $"'{op}' does not apply to the number '{path}'";
                return kind == JsonValueKind.Number ? null : $"'{path}' is a number: compare it with a number";
            case ScimType.DateTime when kind == JsonValueKind.String && ScimValues.AsDateTime(value) is null
                && comparison.Op is not (ScimOperator.Co or ScimOperator.Sw or ScimOperator.Ew):
                return $"'{path}' is a dateTime: compare it with one such as \"2024-01-31T09:30:00Z\"";
        }
        return kind == JsonValueKind.String ? null : $"'{path}' is a {ScimAttribute.TypeName(definition.Type)}: compare it with a \"string\"";
    }

    private static string? CheckValuePath(ValuePath valuePath, ScimResourceType type)
    {
        var location = type.Locate(valuePath.Path);
        if (location is null) return Unknown(valuePath.Path, type, null);
        if (location.Attribute.Type != ScimType.Complex) return $"'{valuePath.Path}' has no sub-attributes to filter on";
        return Check(valuePath.Filter, type, location.Attribute);
    }

    private static string Unknown(AttributePath path, ScimResourceType type, ScimAttribute? parent)
    {
        if (parent is not null) return $"'{path}' is not a sub-attribute of {parent.Name}";
        if (path.Schema is { } schema && !schema.Equals(type.Schema.Id, StringComparison.OrdinalIgnoreCase) && type.Extension(schema) is null)
        {
            return $"'{path}' names the schema {schema}, which {type.Name} resources do not have";
        }
        return $"'{path}' is not an attribute of {type.Name} resources";
    }
}
