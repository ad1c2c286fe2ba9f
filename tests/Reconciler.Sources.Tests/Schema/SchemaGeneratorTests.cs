using System.Text.Json.Nodes;
using Reconciler.Core.Resources;
using Reconciler.Sources.Schema;

namespace Reconciler.Sources.Tests.Schema;

public sealed class SchemaGeneratorTests
{
    private static readonly JsonObject Source = SchemaGenerator.Generate(typeof(DirectorySource), SchemaFlavor.Validation);

    [Fact]
    public void Generate_ValidationSchemaIsDraft2020WithCamelCaseNamesAndClosedObjects()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Source["$schema"]!.GetValue<string>());
        var ldap = Source["properties"]!["spec"]!["properties"]!["ldap"]!;
        Assert.Equal(
            ["url", "startTLS", "caFile", "bindDN", "bindPassword", "baseDN", "userFilter", "groupBaseDN", "pageSize", "timeout"],
            ldap["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("""["object","null"]""", ldap["type"]!.ToJsonString());
        Assert.False(ldap["additionalProperties"]!.GetValue<bool>());
        Assert.False(Source["additionalProperties"]!.GetValue<bool>());
    }

    [Fact]
    public void Generate_ReadsDefaultsFromNewAndRequiredFromAttributes()
    {
        var spec = Source["properties"]!["spec"]!;
        Assert.Equal("1h", spec["properties"]!["syncInterval"]!["default"]!.GetValue<string>());
        Assert.Equal(10, spec["properties"]!["deletionGuard"]!["properties"]!["maxDeletePercent"]!["default"]!.GetValue<long>());
        Assert.Null(spec["properties"]!["deletionGuard"]!["properties"]!["maxDeleteCount"]!["default"]);
        Assert.Equal("""["type"]""", spec["required"]!.ToJsonString());
        Assert.Equal("""["apiVersion","kind","metadata","spec"]""", Source["required"]!.ToJsonString());
        Assert.Equal("""["name"]""", Source["properties"]!["metadata"]!["required"]!.ToJsonString());
        Assert.Equal(1, Source["properties"]!["metadata"]!["properties"]!["name"]!["minLength"]!.GetValue<int>());
    }

    [Fact]
    public void Generate_MapsEnumsListsDictionariesAndDates()
    {
        var mapping = SchemaGenerator.Generate(typeof(ProvisioningMapping), SchemaFlavor.Validation);
        var login = mapping["properties"]!["spec"]!["properties"]!["loginMechanism"]!;
        Assert.Equal("""{"description":"How matched users sign in: DirectoryPassword, SingleSignOn or GeneratedPassword.","type":"string","enum":["DirectoryPassword","SingleSignOn","GeneratedPassword"],"default":"DirectoryPassword"}""",
            login.ToJsonString());
        var groups = mapping["properties"]!["spec"]!["properties"]!["filter"]!["properties"]!["groups"]!;
        Assert.Equal("""{"type":"string"}""", groups["items"]!.ToJsonString());
        var labels = mapping["properties"]!["metadata"]!["properties"]!["labels"]!;
        Assert.Equal("""{"type":["object","null"],"additionalProperties":{"type":"string"}}""", labels.ToJsonString());
        var condition = mapping["properties"]!["status"]!["properties"]!["conditions"]!["items"]!;
        Assert.Equal("date-time", condition["properties"]!["lastTransitionTime"]!["format"]!.GetValue<string>());
    }

    [Fact]
    public void Generate_WritesIntOrStringPerFlavour()
    {
        var validation = SchemaGenerator.Generate(typeof(StorageQuotaPolicy), SchemaFlavor.Validation);
        var crd = SchemaGenerator.Generate(typeof(StorageQuotaPolicy), SchemaFlavor.Crd);

        Assert.Equal("""["integer","string"]""", validation["properties"]!["spec"]!["properties"]!["quota"]!["type"]!.ToJsonString());
        var quota = crd["properties"]!["spec"]!["properties"]!["quota"]!;
        Assert.True(quota["x-kubernetes-int-or-string"]!.GetValue<bool>());
        Assert.Null(quota["type"]);
    }

    [Fact]
    public void Generate_MarksSecretReferencesOnlyForValidation()
    {
        var path = (JsonObject schema) => schema["properties"]!["spec"]!["properties"]!["azureAD"]!["properties"]!["clientSecret"]!;
        Assert.True(path(Source)[SchemaGenerator.SecretMarker]!.GetValue<bool>());
        Assert.Null(path(SchemaGenerator.Generate(typeof(DirectorySource), SchemaFlavor.Crd))[SchemaGenerator.SecretMarker]);
    }
}
