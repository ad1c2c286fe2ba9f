using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Reconciler.Sources.Schema;

/// <summary>
/// Writes a JSON tree as block-style YAML in the tree's own key order, so the same tree always gives the same text.
/// Strings that YAML could read as anything else are written double-quoted.
/// </summary>
internal static partial class YamlWriter
{
    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    public static string Write(JsonNode node)
    {
        var text = new StringBuilder();
        if (node is JsonObject { Count: > 0 } mapping) WriteMapping(mapping, 0, inlineFirst: false, text);
        else if (node is JsonArray { Count: > 0 } sequence) WriteSequence(sequence, 0, text);
        else text.Append(Inline(node)).Append('\n');
        return text.ToString();
    }

    private static void WriteMapping(JsonObject mapping, int indent, bool inlineFirst, StringBuilder text)
    {
        var first = true;
        foreach (var (key, value) in mapping)
        {
            if (!(first && inlineFirst)) text.Append(' ', indent);
            first = false;
            text.Append(Scalar(key)).Append(':');
            switch (value)
            {
                case JsonObject { Count: > 0 } child:
                    text.Append('\n');
                    WriteMapping(child, indent + 2, inlineFirst: false, text);
                    break;
                case JsonArray { Count: > 0 } items:
                    text.Append('\n');
                    WriteSequence(items, indent, text);
                    break;
                default:
                    text.Append(' ').Append(Inline(value)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteSequence(JsonArray sequence, int indent, StringBuilder text)
    {
        foreach (var item in sequence)
        {
            text.Append(' ', indent).Append("- ");
            switch (item)
            {
                case JsonObject { Count: > 0 } mapping:
                    WriteMapping(mapping, indent + 2, inlineFirst: true, text);
                    break;
                case JsonArray { Count: > 0 } nested:
                    text.Append('\n');
                    WriteSequence(nested, indent + 2, text);
                    break;
                default:
                    text.Append(Inline(item)).Append('\n');
                    break;
            }
        }
    }

    private static string Inline(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue value when value.TryGetValue<string>(out var s) => Scalar(s),
        _ => node.ToJsonString(),
    };

    private static string Scalar(string text) =>
        PlainSafe().IsMatch(text) && !Reserved.Contains(text) ? text : JsonSerializer.Serialize(text, QuoteOptions);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_./()\-,;'+ ]*(?<! )$")]
    private static partial Regex PlainSafe();
}
