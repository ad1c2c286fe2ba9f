using System.Text.Json.Nodes;
using Reconciler.Sources.Folder;
using Reconciler.Sources.Schema;

namespace Reconciler.Sources.Tests.Schema;

public sealed class CrdTests
{
    [Fact]
    public void Crds_MatchTheCheckedInFiles()
    {
        var folder = Path.Combine(RepositoryRoot(), "crds");
        var generated = CrdGenerator.Generate();
        if (Environment.GetEnvironmentVariable("RECONCILER_UPDATE_CRDS") == "1")
        {
            foreach (var (fileName, yaml) in generated) File.WriteAllText(Path.Combine(folder, fileName), yaml);
        }
        var stale = generated
            .Where(g => !File.Exists(Path.Combine(folder, g.FileName)) || File.ReadAllText(Path.Combine(folder, g.FileName)).ReplaceLineEndings("\n") != g.Yaml)
            .Select(g => g.FileName);
        var extra = Directory.GetFiles(folder, "provisioning.reconciler.dev_*.yaml")
            .Select(Path.GetFileName)
            .Where(name => generated.All(g => g.FileName != name));
        var problems = stale.Concat(extra!).ToList();
        Assert.True(problems.Count == 0, $"crds/ is stale: run `make crds` ({string.Join(", ", problems)})");
    }

    [Fact]
    public void Generate_IsDeterministicAndNamesOneFilePerKind()
    {
        var first = CrdGenerator.Generate();
        Assert.Equal(first, CrdGenerator.Generate());
        Assert.Equal(
            [
                "provisioning.reconciler.dev_deploymentcampaigns.yaml",
                "provisioning.reconciler.dev_directorysources.yaml",
                "provisioning.reconciler.dev_provisioningmappings.yaml",
                "provisioning.reconciler.dev_storagequotapolicies.yaml",
            ],
            first.Select(f => f.FileName));
    }

    [Fact]
    public void Generate_YamlReadsBackAsTheDefinition()
    {
        foreach (var kind in ResourceKind.All)
        {
            var yaml = CrdGenerator.Generate().Single(f => f.FileName == CrdGenerator.FileName(kind)).Yaml;
            var read = YamlJsonReader.Read(yaml);
            Assert.Null(read.Error);
            Assert.True(JsonNode.DeepEquals(CrdGenerator.Definition(kind), read.Documents.Single().Root), kind.Kind);
        }
    }

    [Theory]
    [InlineData("DirectorySource")]
    [InlineData("ProvisioningMapping")]
    [InlineData("StorageQuotaPolicy")]
    [InlineData("DeploymentCampaign")]
    public void Crd_SchemaIsStructural(string kindName)
    {
        var kind = ResourceKind.Find(kindName)!;
        var schema = CrdGenerator.Definition(kind)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();

        var problems = new List<string>();
        Walk(schema, "", problems);
        Assert.Empty(problems);

        var metadata = schema["properties"]!["metadata"]!.AsObject();
        Assert.Equal("""{"type":"object"}""", metadata.ToJsonString());
        Assert.Equal("spec", Assert.Single(schema["required"]!.AsArray())!.GetValue<string>());
        Assert.NotNull(schema["properties"]!["status"]);
        var conditions = schema["properties"]!["status"]!["properties"]!["conditions"]!;
        Assert.Equal("map", conditions["x-kubernetes-list-type"]!.GetValue<string>());
        Assert.Equal("""["type"]""", conditions["x-kubernetes-list-map-keys"]!.ToJsonString());
        Assert.Contains("type", conditions["items"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Crd_HasNamesScopeStatusAndPrinterColumns()
    {
        var crd = CrdGenerator.Definition(ResourceKind.Find("DeploymentCampaign")!);
        Assert.Equal("deploymentcampaigns.provisioning.reconciler.dev", crd["metadata"]!["name"]!.GetValue<string>());
        var spec = crd["spec"]!;
        Assert.Equal("Namespaced", spec["scope"]!.GetValue<string>());
        Assert.Equal("deploymentcampaigns", spec["names"]!["plural"]!.GetValue<string>());
        var version = spec["versions"]![0]!;
        Assert.True(version["served"]!.GetValue<bool>());
        Assert.True(version["storage"]!.GetValue<bool>());
        Assert.Equal("{}", version["subresources"]!["status"]!.ToJsonString());
        var columns = version["additionalPrinterColumns"]!.AsArray()
            .Select(c => $"{c!["name"]} {c["type"]} {c["jsonPath"]}")
            .ToList();
        Assert.Equal(
            [
                """Ready string .status.conditions[?(@.type=="Ready")].status""",
                """Reason string .status.conditions[?(@.type=="Ready")].reason""",
                "Method string .spec.method",
                "Wave integer .status.currentWave",
                "Age date .metadata.creationTimestamp",
            ],
            columns);
    }

    private static void Walk(JsonObject node, string path, List<string> problems)
    {
        var intOrString = node["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        if (!intOrString && node["type"] is not JsonValue) problems.Add($"{path}: no single type");
        if (node["properties"] is not null && node["additionalProperties"] is not null) problems.Add($"{path}: additionalProperties beside properties");
        if (node["additionalProperties"] is JsonValue) problems.Add($"{path}: additionalProperties is not a schema");
        if (node["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties) Walk(child!.AsObject(), path + "." + name, problems);
        }
        if (node["items"] is JsonObject items) Walk(items, path + "[]", problems);
        if (node["additionalProperties"] is JsonObject values) Walk(values, path + "{}", problems);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Reconciler.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"Reconciler.sln not found above {AppContext.BaseDirectory}");
    }
}
