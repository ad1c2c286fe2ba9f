using System.Text.Json.Nodes;
using Json.Schema;

namespace Reconciler.Sources.Schema;

/// <summary>The validation-flavour schema of each kind, generated once and built with JsonSchema.Net.</summary>
public static class ValidationSchemas
{
    private static readonly Lazy<IReadOnlyDictionary<string, (JsonObject Document, JsonSchema Schema)>> Built = new(Build);

    /// <summary>The compiled schema that YAML documents of this kind are evaluated against.</summary>
    public static JsonSchema For(ResourceKind kind) => Built.Value[kind.Kind].Schema;

    /// <summary>The schema as JSON, for editors and for explaining evaluation errors. Do not modify.</summary>
    internal static JsonObject DocumentFor(ResourceKind kind) => Built.Value[kind.Kind].Document;

    private static IReadOnlyDictionary<string, (JsonObject, JsonSchema)> Build()
    {
        var result = new Dictionary<string, (JsonObject, JsonSchema)>(StringComparer.Ordinal);
        foreach (var kind in ResourceKind.All)
        {
            var document = SchemaGenerator.Generate(kind.Type, SchemaFlavor.Validation);
            result[kind.Kind] = (document, JsonSchema.FromText(document.ToJsonString()));
        }
        return result;
    }
}
