using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Reconciler.Core.Resources;
using Reconciler.Sources.Schema;

namespace Reconciler.Sources.Folder;

/// <summary>Turns one YAML document into a typed resource: apiVersion and kind first, then the kind's schema, then System.Text.Json.</summary>
internal static class ResourceDecoder
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static readonly string KindList = string.Join(", ", ResourceKind.All.Select(k => k.Kind));

    private static int _warming;

    /// <summary>
    /// Builds what decoding needs first, in the order it needs it (the kinds' schemas, which are built together, then
    /// System.Text.Json's metadata of each kind), on a thread pool thread once per process; decoding waits for what
    /// it needs if it gets there first. Failures are left for decoding to meet.
    /// </summary>
    public static void WarmUp()
    {
        if (Interlocked.Exchange(ref _warming, 1) == 1) return;
        _ = Task.Run(() =>
        {
            try
            {
                ValidationSchemas.For(ResourceKind.All[0]);
                foreach (var kind in ResourceKind.All) JsonSerializer.Deserialize("{}", kind.Type, Json);
            }
            catch (Exception)
            {
                // Decoding builds the same things and reports what fails there.
            }
        });
    }

    public static void Decode(ConfigDocument document, Findings findings)
    {
        if (document.Root is not JsonObject root)
        {
            findings.Add(document, "", "a document must be a mapping with apiVersion, kind, metadata and spec");
            return;
        }
        var versionOk = CheckApiVersion(document, root, findings);
        var kind = FindKind(document, root, findings);
        if (!versionOk || kind is null) return;

        document.Kind = kind;
        Identify(document, root["metadata"] as JsonObject);

        var results = ValidationSchemas.For(kind).Evaluate(JsonSerializer.SerializeToElement(root), new EvaluationOptions { OutputFormat = OutputFormat.List });
        var decoded = root;
        if (!results.IsValid)
        {
            var errors = SchemaErrors.Explain(results, root, ValidationSchemas.DocumentFor(kind));
            foreach (var error in errors) findings.Add(document.ErrorAtPointer(error.Pointer, null, error.Message, error.AtKey));
            document.Broken = errors.Select(e => e.Subject).ToHashSet(StringComparer.Ordinal);
            decoded = Without(root, document.Broken);
        }

        Resource resource;
        try
        {
            resource = (Resource)decoded.Deserialize(kind.Type, Json)!;
        }
        catch (JsonException e)
        {
            // Without what the schema refused, the rest still does not fit: the schema errors say enough.
            if (!document.PassedSchema) return;
            var path = e.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "";
            findings.Add(document, path, "the value does not fit this field (out of range)");
            return;
        }
        if ((root["metadata"] as JsonObject)?["generation"] is null)
            resource = resource with { Metadata = resource.Metadata with { Generation = 1 } };
        document.Resource = resource;
    }

    /// <summary>Name and namespace, read before the schema so that even an invalid document is known by its key.</summary>
    private static void Identify(ConfigDocument document, JsonObject? metadata)
    {
        if (metadata?["name"] is JsonValue name && name.TryGetValue<string>(out var text) && text.Length > 0) document.Name = text;
        switch (metadata?["namespace"])
        {
            case null:
                break;
            case JsonValue value when value.TryGetValue<string>(out var written):
                document.WrittenNamespace = written;
                break;
            default:
                document.NamespaceKnown = false;
                break;
        }
    }

    /// <summary>
    /// A copy of the document without the fields the schema refused. A refused list item takes its whole list
    /// with it, so no list is left with a hole.
    /// </summary>
    private static JsonObject Without(JsonObject root, IEnumerable<string> pointers)
    {
        var copy = (JsonObject)root.DeepClone();
        foreach (var pointer in pointers)
        {
            var segments = FieldPath.Segments(pointer).ToArray();
            JsonNode? node = copy;
            for (var i = 0; i < segments.Length; i++)
            {
                if (node is JsonArray list)
                {
                    (list.Parent as JsonObject)?.Remove(list.GetPropertyName());
                    break;
                }
                if (node is not JsonObject obj) break;
                if (i == segments.Length - 1) obj.Remove(segments[i]);
                else node = obj[segments[i]];
            }
        }
        return copy;
    }

    private static bool CheckApiVersion(ConfigDocument document, JsonObject root, Findings findings)
    {
        if (!root.ContainsKey("apiVersion"))
        {
            findings.Add(document, "", $"missing required field 'apiVersion' (write apiVersion: {Resource.GroupVersion})");
            return false;
        }
        if (root["apiVersion"] is JsonValue value && value.TryGetValue<string>(out var text) && text == Resource.GroupVersion) return true;
        findings.Add(document, "apiVersion", $"apiVersion must be {Resource.GroupVersion}");
        return false;
    }

    private static ResourceKind? FindKind(ConfigDocument document, JsonObject root, Findings findings)
    {
        if (!root.ContainsKey("kind"))
        {
            findings.Add(document, "", $"missing required field 'kind' (one of {KindList})");
            return null;
        }
        if (root["kind"] is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            findings.Add(document, "kind", $"kind must be one of {KindList}");
            return null;
        }
        var kind = ResourceKind.Find(text);
        if (kind is null)
        {
            var suggestion = Spelling.Suggest(text, ResourceKind.All.Select(k => k.Kind));
            findings.Add(document, "kind", $"unknown kind '{text}'{suggestion}; the kinds are {KindList}");
        }
        return kind;
    }
}
