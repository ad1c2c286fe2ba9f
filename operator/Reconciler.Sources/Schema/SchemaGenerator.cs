using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Reconciler.Core.Resources;

namespace Reconciler.Sources.Schema;

/// <summary>
/// Describes a resource type and everything it contains as a JSON schema, by reflection:
/// camelCase names, [Description], [Required], enums as strings, defaults read from <c>new()</c>.
/// </summary>
public static class SchemaGenerator
{
    /// <summary>Marks a SecretReference in the validation flavour, so a plaintext value can be reported as such.</summary>
    public const string SecretMarker = "x-reconciler-secret";

    public static JsonObject Generate(Type resourceType, SchemaFlavor flavor)
    {
        var root = new JsonObject();
        if (flavor == SchemaFlavor.Validation)
        {
            root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            root["title"] = resourceType.Name;
        }
        var description = resourceType.GetCustomAttribute<DescriptionAttribute>()?.Description;
        if (description is not null) root["description"] = description;
        new Walker(flavor).DescribeObject(resourceType, nullable: false, isRoot: true, root);
        return root;
    }

    private sealed class Walker(SchemaFlavor flavor)
    {
        private readonly NullabilityInfoContext nullability = new();

        private bool Validation => flavor == SchemaFlavor.Validation;

        public void DescribeObject(Type type, bool nullable, bool isRoot, JsonObject into)
        {
            into["type"] = TypeName("object", nullable);
            var defaults = isRoot ? null : CreateDefault(type);
            var properties = new JsonObject();
            var required = new JsonArray();
            foreach (var property in PropertiesOf(type))
            {
                var name = NameOf(property);
                if (isRoot && !Validation && property.Name == nameof(Resource.Metadata))
                {
                    properties[name] = new JsonObject { ["type"] = "object" };
                    continue;
                }
                var schema = new JsonObject();
                var text = property.GetCustomAttribute<DescriptionAttribute>()?.Description
                    ?? property.PropertyType.GetCustomAttribute<DescriptionAttribute>()?.Description;
                if (text is not null) schema["description"] = text;
                var intOrString = property.GetCustomAttribute<IntOrStringAttribute>() is not null;
                DescribeType(property.PropertyType, IsNullable(property), intOrString, schema);

                var requiredAttribute = property.GetCustomAttribute<RequiredAttribute>();
                var rootOwned = isRoot && !Validation && property.DeclaringType == typeof(Resource);
                if (requiredAttribute is not null && !rootOwned)
                {
                    required.Add(name);
                    if (property.PropertyType == typeof(string) && !intOrString && !requiredAttribute.AllowEmptyStrings)
                        schema["minLength"] = 1;
                }
                else if (defaults is not null && DefaultOf(property.GetValue(defaults)) is { } value)
                {
                    schema["default"] = value;
                }
                if (!Validation && IsConditionList(property.PropertyType))
                {
                    schema["x-kubernetes-list-type"] = "map";
                    schema["x-kubernetes-list-map-keys"] = new JsonArray("type");
                }
                properties[name] = schema;
            }
            into["properties"] = properties;
            if (required.Count > 0) into["required"] = required;
            if (Validation) into["additionalProperties"] = false;
            if (Validation && type == typeof(SecretReference)) into[SecretMarker] = true;
        }

        private void DescribeType(Type type, bool nullable, bool intOrString, JsonObject into)
        {
            if (Nullable.GetUnderlyingType(type) is { } underlying)
            {
                type = underlying;
                nullable = true;
            }
            if (intOrString)
            {
                if (Validation) into["type"] = Types(nullable, "integer", "string");
                else into["x-kubernetes-int-or-string"] = true;
            }
            else if (type == typeof(string)) into["type"] = TypeName("string", nullable);
            else if (type == typeof(bool)) into["type"] = TypeName("boolean", nullable);
            else if (type == typeof(int) || type == typeof(short) || type == typeof(byte)) Integer("int32", nullable, into);
            else if (type == typeof(long)) Integer("int64", nullable, into);
            else if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) into["type"] = TypeName("number", nullable);
            else if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
            {
                into["type"] = TypeName("string", nullable);
                into["format"] = "date-time";
            }
            else if (type.IsEnum)
            {
                into["type"] = TypeName("string", nullable);
                var names = new JsonArray(Enum.GetNames(type).Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
                if (nullable && Validation) names.Add(null);
                into["enum"] = names;
            }
            else if (DictionaryValueType(type) is { } valueType)
            {
                into["type"] = TypeName("object", nullable);
                var values = new JsonObject();
                DescribeType(valueType, nullable: false, intOrString: false, values);
                into["additionalProperties"] = values;
            }
            else if (ListItemType(type) is { } itemType)
            {
                into["type"] = TypeName("array", nullable);
                var items = new JsonObject();
                DescribeType(itemType, nullable: false, intOrString: false, items);
                into["items"] = items;
            }
            else if (type.IsClass)
            {
                DescribeObject(type, nullable, isRoot: false, into);
            }
            else
            {
                throw new NotSupportedException($"No schema mapping for {type} in the resource model.");
            }
        }

        private void Integer(string format, bool nullable, JsonObject into)
        {
            into["type"] = TypeName("integer", nullable);
            if (!Validation) into["format"] = format;
        }

        private JsonNode TypeName(string name, bool nullable) =>
            nullable && Validation ? new JsonArray(name, "null") : JsonValue.Create(name);

        private JsonNode Types(bool nullable, params string[] names)
        {
            var array = new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
            if (nullable) array.Add("null");
            return array;
        }

        private bool IsNullable(PropertyInfo property) =>
            !property.PropertyType.IsValueType && nullability.Create(property).ReadState == NullabilityState.Nullable;
    }

    /// <summary>Public settable properties in declaration order, base type first; what System.Text.Json reads.</summary>
    internal static IEnumerable<PropertyInfo> PropertiesOf(Type type)
    {
        var chain = new Stack<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType) chain.Push(t);
        foreach (var t in chain)
        {
            var declared = t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.GetIndexParameters().Length == 0 && p.SetMethod is not null && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
                .OrderBy(p => p.MetadataToken);
            foreach (var property in declared) yield return property;
        }
    }

    internal static string NameOf(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static object? CreateDefault(Type type) =>
        type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(type);

    private static JsonNode? DefaultOf(object? value) => value switch
    {
        string s when s.Length > 0 => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int or long or short or byte => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        Enum e => JsonValue.Create(e.ToString()),
        _ => null,
    };

    private static bool IsConditionList(Type type) => ListItemType(type) == typeof(Condition);

    private static Type? ListItemType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        var isDictionary = definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>);
        return isDictionary && arguments[0] == typeof(string) ? arguments[1] : null;
    }
}
