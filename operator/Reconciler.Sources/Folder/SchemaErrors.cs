using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Reconciler.Sources.Schema;

namespace Reconciler.Sources.Folder;

/// <summary>
/// One schema violation, at a JSON pointer of the document. <see cref="Subject"/> is the field it is about: the
/// pointer itself, or for a missing required field the pointer that field would have.
/// </summary>
internal sealed record SchemaError(string Pointer, string Message, bool AtKey, bool IsTypeError = false, string? MissingField = null)
{
    public string Subject => MissingField is null ? Pointer : FieldPath.ChildPointer(Pointer, MissingField);
}

/// <summary>
/// Turns JsonSchema.Net's evaluation results into messages a YAML author understands. The schema node of each
/// error is found by walking our own schema along the instance location (our schemas have no $ref or combinators).
/// Values from the document are never repeated, so a misplaced secret cannot leak into an error.
/// </summary>
internal static class SchemaErrors
{
    public const string PlaintextSecret = "plaintext secrets are not allowed: use {env: NAME}, {file: PATH} or {secretRef: {name, key}}";

    public static IReadOnlyList<SchemaError> Explain(EvaluationResults results, JsonNode instance, JsonObject schema)
    {
        var found = new List<SchemaError>();
        foreach (var node in (results.Details ?? []).Prepend(results))
        {
            if (node.IsValid || node.Errors is null) continue;
            var pointer = node.InstanceLocation.ToString();
            var (schemaNode, value) = Resolve(schema, instance, pointer);
            foreach (var keyword in node.Errors.Keys)
                found.AddRange(Explain(keyword, node.EvaluationPath.ToString(), pointer, schemaNode, value, schema, instance));
        }
        // A value of the wrong type also fails enum and the like; its type is the one thing to say about it.
        var wrongType = found.Where(e => e.IsTypeError).Select(e => e.Pointer).ToHashSet(StringComparer.Ordinal);
        return found.Where(e => e.IsTypeError || !wrongType.Contains(e.Pointer)).Distinct().ToList();
    }

    private static IEnumerable<SchemaError> Explain(
        string keyword, string evaluationPath, string pointer,
        JsonObject? schemaNode, JsonNode? value, JsonObject schema, JsonNode instance)
    {
        switch (keyword)
        {
            case "type" when IsSecret(schemaNode) && value is JsonValue:
                yield return new(pointer, PlaintextSecret, false, IsTypeError: true);
                break;
            case "type":
                var hint = Expected(schemaNode) == "a string" && value is JsonValue && schemaNode?["enum"] is null ? " (put it in quotes to make it text)" : "";
                yield return new(pointer, $"expected {Expected(schemaNode)}, got {Describe(value)}{hint}", false, IsTypeError: true);
                break;
            case "enum":
                var names = (schemaNode?["enum"]?.AsArray() ?? []).Where(n => n is not null).Select(n => n!.GetValue<string>()).ToList();
                var suggestion = value is JsonValue v && v.TryGetValue<string>(out var text) ? Spelling.Suggest(text, names) : "";
                yield return new(pointer, $"must be one of {string.Join(", ", names)}{suggestion}", false);
                break;
            case "required":
                var present = (value as JsonObject)?.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) ?? [];
                foreach (var name in (schemaNode?["required"]?.AsArray() ?? []).Select(n => n!.GetValue<string>()).Where(n => !present.Contains(n)))
                    yield return new(pointer, $"missing required field '{name}'", true, MissingField: name);
                break;
            case "" or "false" or "$false" when evaluationPath.EndsWith("/additionalProperties", StringComparison.Ordinal):
                var field = FieldPath.Segments(pointer).Last();
                var (parentSchema, _) = Resolve(schema, instance, FieldPath.Parent(pointer));
                var known = (parentSchema?["properties"] as JsonObject)?.Select(p => p.Key) ?? [];
                yield return new(pointer, $"unknown field '{field}'{Spelling.Suggest(field, known)}", true);
                break;
            case "minLength":
                yield return new(pointer, "must not be empty", false);
                break;
            case "format":
                yield return new(pointer, "expected a date and time like 2026-01-31T12:00:00Z", false);
                break;
            default:
                // The library's own text may quote the value, which could be a secret: name the rule instead.
                yield return new(pointer, $"does not satisfy the schema rule '{keyword}'", false);
                break;
        }
    }

    private static bool IsSecret(JsonObject? schemaNode) => schemaNode is not null && schemaNode.ContainsKey(SchemaGenerator.SecretMarker);

    private static (JsonObject? Schema, JsonNode? Value) Resolve(JsonObject schema, JsonNode instance, string pointer)
    {
        JsonObject? node = schema;
        JsonNode? value = instance;
        foreach (var segment in FieldPath.Segments(pointer))
        {
            if (value is JsonArray array && int.TryParse(segment, out var index))
            {
                node = node?["items"] as JsonObject;
                value = index < array.Count ? array[index] : null;
                continue;
            }
            node = node?["properties"]?[segment] as JsonObject ?? node?["additionalProperties"] as JsonObject;
            value = value is JsonObject obj ? obj[segment] : null;
        }
        return (node, value);
    }

    private static string Expected(JsonObject? schemaNode)
    {
        var types = schemaNode?["type"] switch
        {
            JsonArray array => array.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue single => [single.GetValue<string>()],
            _ => [],
        };
        var names = types.Where(t => t != "null").Select(t => t switch
        {
            "integer" => "an integer",
            "number" => "a number",
            "string" => "a string",
            "boolean" => "a boolean (true or false)",
            "object" => "an object",
            "array" => "a list",
            _ => t,
        });
        return string.Join(" or ", names);
    }

    private static string Describe(JsonNode? value) => value switch
    {
        null => "an empty value",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Number when v.ToJsonString().All(c => char.IsAsciiDigit(c) || c == '-') => "an integer",
            JsonValueKind.Number => "a number",
            _ => "a value",
        },
        _ => "a value",
    };
}
