using System.Text.Json.Nodes;
using Reconciler.Core.Resources;

namespace Reconciler.Sources.Schema;

/// <summary>One apiextensions.k8s.io/v1 CustomResourceDefinition per kind, generated from the C# resource types.</summary>
public static class CrdGenerator
{
    public const string Header = "# Generated from the C# resource types by `reconciler crds` (make crds). Do not edit.\n";

    private const string ReadyPath = ".status.conditions[?(@.type==\"Ready\")]";

    /// <summary>The YAML of every CRD, sorted by file name; the same types always give the same text.</summary>
    public static IReadOnlyList<(string FileName, string Yaml)> Generate() =>
        ResourceKind.All
            .Select(kind => (FileName(kind), Header + YamlWriter.Write(Definition(kind))))
            .OrderBy(file => file.Item1, StringComparer.Ordinal)
            .ToList();

    public static string FileName(ResourceKind kind) => $"{Resource.Group}_{kind.Plural}.yaml";

    public static JsonObject Definition(ResourceKind kind) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = $"{kind.Plural}.{Resource.Group}" },
        ["spec"] = new JsonObject
        {
            ["group"] = Resource.Group,
            ["names"] = new JsonObject
            {
                ["kind"] = kind.Kind,
                ["listKind"] = kind.Kind + "List",
                ["plural"] = kind.Plural,
                ["singular"] = kind.Singular,
                ["shortNames"] = new JsonArray(kind.ShortNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
                ["categories"] = new JsonArray("reconciler"),
            },
            ["scope"] = "Namespaced",
            ["versions"] = new JsonArray(new JsonObject
            {
                ["name"] = Resource.Version,
                ["served"] = true,
                ["storage"] = true,
                ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                ["additionalPrinterColumns"] = Columns(kind),
                ["schema"] = new JsonObject { ["openAPIV3Schema"] = SchemaGenerator.Generate(kind.Type, SchemaFlavor.Crd) },
            }),
        },
    };

    private static JsonArray Columns(ResourceKind kind)
    {
        var columns = new JsonArray(
            Column("Ready", "string", ReadyPath + ".status"),
            Column("Reason", "string", ReadyPath + ".reason"));
        foreach (var column in KindColumns(kind.Kind)) columns.Add(column);
        columns.Add(Column("Age", "date", ".metadata.creationTimestamp"));
        return columns;
    }

    private static JsonObject[] KindColumns(string kind) => kind switch
    {
        DirectorySource.KindName => [Column("Type", "string", ".spec.type")],
        ProvisioningMapping.KindName => [Column("Priority", "integer", ".spec.priority"), Column("Source", "string", ".spec.sourceRef.name")],
        StorageQuotaPolicy.KindName => [Column("Quota", "string", ".spec.quota")],
        DeploymentCampaign.KindName => [Column("Method", "string", ".spec.method"), Column("Wave", "integer", ".status.currentWave")],
        _ => [],
    };

    private static JsonObject Column(string name, string type, string jsonPath) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["jsonPath"] = jsonPath,
    };
}
