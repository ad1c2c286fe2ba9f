using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// A client's value made into the attribute's type, or refused with 400 invalidValue. Booleans may come as the strings
/// "True"/"False" (Microsoft Entra ID sends them so without its aadOptscim062020 flag) and become JSON booleans; a
/// plain value for a complex attribute with a <c>value</c> sub-attribute becomes <c>{"value": …}</c> (Entra sends
/// the manager so); a single value for a multi-valued attribute becomes a one-value array. Sub-attributes the schema
/// does not define, read-only sub-attributes and nulls are dropped. Strings hold no control or bidirectional characters
/// (tab, CR and LF only in a <c>formatted</c> text) and at most <see cref="MaxStringLength"/> characters.
/// </summary>
internal static class ScimValues
{
    public const int MaxStringLength = 2048;

    /// <summary>Base64 of a DER certificate: a 4096-bit RSA certificate with extensions is about 2,000 bytes.</summary>
    public const int MaxBinaryLength = 16384;

    public static JsonNode? Coerce(JsonNode? value, ScimAttribute attribute, string name)
    {
        if (value is null) return null;
        if (!attribute.MultiValued) return CoerceOne(value, attribute, name);
        var items = value is JsonArray array ? array.ToList() : [value];
        var result = new JsonArray();
        foreach (var item in items)
        {
            if (CoerceOne(item, attribute, name) is { } coerced) result.Add(coerced);
        }
        return result;
    }

    /// <summary>One value of the attribute (for a multi-valued attribute: one element).</summary>
    public static JsonNode? CoerceOne(JsonNode? value, ScimAttribute attribute, string name)
    {
        if (value is null) return null;
        switch (attribute.Type)
        {
            case ScimType.Complex:
                return Complex(value, attribute, name);
            case ScimType.Boolean:
                return AsBoolean(value) is { } flag ? JsonValue.Create(flag) : throw Wrong(name, "true or false", value);
            case ScimType.Integer:
                return value is JsonValue number && number.GetValueKind() == JsonValueKind.Number
                    && long.TryParse(number.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                        ? JsonValue.Create(integer)
                        : throw Wrong(name, "an integer", value);
            case ScimType.Decimal:
                return value is JsonValue real && real.GetValueKind() == JsonValueKind.Number ? real.DeepClone() : throw Wrong(name, "a number", value);
        }
        var text = ScimJson.AsString(value) ?? throw Wrong(name, "a string", value);
        CheckText(text, attribute, name);
        if (attribute.Type == ScimType.DateTime && AsDateTime(value) is null)
        {
            throw ScimException.InvalidValue($"{name} must be a dateTime such as 2024-01-31T09:30:00Z, not '{SafeText.Show(text, 40)}'");
        }
        if (attribute.Type == ScimType.Binary && !IsBase64(text)) throw ScimException.InvalidValue($"{name} must be base64");
        return JsonValue.Create(text);
    }

    public static bool? AsBoolean(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        return value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => value.GetValue<string>() switch
            {
                var s when s.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
                var s when s.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
                _ => null,
            },
            _ => null,
        };
    }

    /// <summary>An xsd:dateTime (RFC 7643 §2.3.5) as an instant; without an offset it is taken as UTC.</summary>
    public static DateTimeOffset? AsDateTime(JsonNode? node) =>
        ScimJson.AsString(node) is { } text
        && DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var instant)
            ? instant
            : null;

    private static JsonNode? Complex(JsonNode value, ScimAttribute attribute, string name)
    {
        if (value is not JsonObject members)
        {
            if (value is JsonValue && attribute.SubAttribute("value") is { } valueSub)
            {
                return new JsonObject { ["value"] = CoerceOne(value, valueSub, name + ".value") };
            }
            throw Wrong(name, "an object", value);
        }
        var result = new JsonObject();
        foreach (var (key, member) in members)
        {
            var sub = attribute.SubAttribute(key);
            if (sub is null || sub.Mutability == ScimMutability.ReadOnly || member is null) continue;
            if (CoerceOne(member, sub, $"{name}.{sub.Name}") is { } coerced) ScimJson.Set(result, sub.Name, coerced);
        }
        return result.Count == 0 ? null : result;
    }

    private static void CheckText(string text, ScimAttribute attribute, string name)
    {
        var max = attribute.Type == ScimType.Binary ? MaxBinaryLength : MaxStringLength;
        if (text.Length > max)
        {
            throw ScimException.InvalidValue(string.Create(CultureInfo.InvariantCulture,
                $"{name} is {text.Length:N0} characters long; at most {max:N0} are allowed"));
        }
        var multiline = attribute.Name.Equals("formatted", StringComparison.OrdinalIgnoreCase);
        foreach (var rune in text.EnumerateRunes())
        {
            if (!SafeText.IsUnsafe(rune) || (multiline && rune.Value is '\t' or '\n' or '\r')) continue;
            throw ScimException.InvalidValue($"{name} contains the control character {SafeText.Name(rune)} ('{SafeText.Show(text, 40)}')");
        }
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    private static ScimException Wrong(string name, string expected, JsonNode value) =>
        ScimException.InvalidValue($"{name} must be {expected}, not {Describe(value)}");

    /// <summary>What the client sent, in a few words: <c>the string 'yes'</c>, <c>an array</c>.</summary>
    public static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonArray => "an array",
        JsonObject => "an object",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the string '{SafeText.Show(v.GetValue<string>(), 40)}'",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            _ => $"the number {SafeText.Show(v.ToJsonString(), 40)}",
        },
        _ => "something else",
    };
}
