using Reconciler.Core.Resources;
using Reconciler.Sources.Folder;

namespace Reconciler.Sources.Tests.Folder;

/// <summary>One broken resource does not stop the others: Partial, Broken and UnreadableFiles.</summary>
public sealed class PartialLoadTests
{
    private static ResourceKey MappingKey(string name, string @namespace = "default") => new(ProvisioningMapping.KindName, @namespace, name);

    private static string Mapping(string name, string source = "hr-csv", string extra = "") => TempConfig.Header + $$"""
        kind: ProvisioningMapping
        metadata: {name: {{name}}}
        spec: {sourceRef: {name: {{source}}}, profile: laptops, storageRegion: us-east{{extra}}}

        """;

    [Fact]
    public void Load_KeepsAValidMappingBesideABrokenOne()
    {
        using var config = new TempConfig().WithBase()
            .Write("a.yaml", Mapping("a", extra: ", priority: high"))
            .Write("b.yaml", Mapping("b", extra: ", priority: 2"));

        var result = config.Load();

        Assert.Null(result.State);
        var error = Assert.Single(result.Errors);
        Assert.Equal(MappingKey("a"), error.Resource);
        Assert.Equal([MappingKey("a")], result.Broken);
        Assert.Equal(["b"], result.Partial.Mappings.Select(m => m.Name));
        Assert.Equal(["hr-csv"], result.Partial.Sources.Select(s => s.Name));
        Assert.Equal(["standard-50g"], result.Partial.QuotaPolicies.Select(p => p.Name));
        Assert.Empty(result.UnreadableFiles);
        Assert.Equal(config.Directory, result.Partial.Location);
        Assert.Matches("^[0-9a-f]{12}$", result.Partial.Revision);
        Assert.NotNull(result.Partial.OriginOf(result.Partial.Mappings[0]));
        Assert.Null(result.Partial.Origins.GetValueOrDefault(MappingKey("a")));
    }

    [Fact]
    public void Load_MakesAMappingOfAMissingSourceBroken_AndNothingElse()
    {
        using var config = new TempConfig().WithBase()
            .Write("a.yaml", Mapping("orphan", source: "payroll"))
            .Write("b.yaml", Mapping("fine", extra: ", priority: 3"));

        var result = config.Load();

        Assert.Equal(MappingKey("orphan"), Assert.Single(result.Errors).Resource);
        Assert.Equal([MappingKey("orphan")], result.Broken);
        Assert.Equal(["fine"], result.Partial.Mappings.Select(m => m.Name));
    }

    [Fact]
    public void Load_KeepsAMappingWhoseSourceIsBroken_InPartial_AndTheSourceInBroken()
    {
        using var config = new TempConfig().WithBase().Write("a.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: payroll}
            spec: {type: Csv, csv: {path: users.csv}, syncInterval: 1000000h}
            ---
            """ + "\n" + Mapping("pay", source: "payroll"));

        var result = config.Load();

        Assert.Equal([new ResourceKey(DirectorySource.KindName, "default", "payroll")], result.Broken);
        Assert.Equal(["hr-csv"], result.Partial.Sources.Select(s => s.Name));
        Assert.Equal(["pay"], result.Partial.Mappings.Select(m => m.Name));
    }

    [Fact]
    public void Load_MakesBothDeclarationsOfADuplicateNameBroken()
    {
        using var config = new TempConfig().WithBase()
            .Write("a.yaml", Mapping("twin", extra: ", priority: 1"))
            .Write("b.yaml", Mapping("twin", extra: ", priority: 2"));

        var result = config.Load();

        Assert.Equal([MappingKey("twin")], result.Broken);
        Assert.Empty(result.Partial.Mappings);
        Assert.DoesNotContain(MappingKey("twin"), result.Partial.Origins.Keys);
    }

    [Fact]
    public void Load_ListsAFileThatCannotBeParsedAsUnreadable_AndKeepsTheRest()
    {
        using var config = new TempConfig().WithBase().Write("bad.yaml", "kind: [unclosed\n");

        var result = config.Load();

        Assert.Null(Assert.Single(result.Errors).Resource);
        Assert.Empty(result.Broken);
        Assert.Equal([Path.Join(config.Directory, "bad.yaml")], result.UnreadableFiles);
        Assert.Equal(["hr-csv"], result.Partial.Sources.Select(s => s.Name));
    }

    [Theory]
    [InlineData("metadata: {labels: {a: b}}\nspec: {quota: 1Ti}\n")]
    [InlineData("metadata: {name: gold, namespace: [a]}\nspec: {quota: 1Ti}\n")]
    public void Load_ListsAFileAsUnreadable_WhenADocumentsKeyCannotBeTold(string rest)
    {
        using var config = new TempConfig().WithBase().Write("policy.yaml", TempConfig.Header + "kind: StorageQuotaPolicy\n" + rest);

        var result = config.Load();

        Assert.NotEmpty(result.Errors);
        Assert.Empty(result.Broken);
        Assert.Equal([Path.Join(config.Directory, "policy.yaml")], result.UnreadableFiles);
        Assert.Equal(["standard-50g"], result.Partial.QuotaPolicies.Select(p => p.Name));
    }

    [Fact]
    public void Load_GivesErrorsTheirResource_ByNamespaceToo()
    {
        using var config = new TempConfig().WithBase().Write("a.yaml", TempConfig.Header + """
            kind: StorageQuotaPolicy
            metadata: {name: gold, namespace: team-a}
            spec: {quota: 1TB}
            """);

        var result = config.Load();

        var key = new ResourceKey(StorageQuotaPolicy.KindName, "team-a", "gold");
        Assert.Equal(key, Assert.Single(result.Errors).Resource);
        Assert.Equal([key], result.Broken);
    }

    [Fact]
    public void Load_OfAValidFolder_HasPartialEqualToState()
    {
        using var config = new TempConfig().WithBase().Write("a.yaml", Mapping("eng"));

        var result = config.Load();

        Assert.Same(result.State, result.Partial);
        Assert.Empty(result.Broken);
        Assert.Empty(result.UnreadableFiles);
    }

    [Fact]
    public void Load_OfAMissingFolder_KnowsNothing()
    {
        using var config = new TempConfig();
        var missing = Path.Combine(config.Directory, "nope");

        var result = new FolderLoader().Load(missing);

        Assert.Null(result.State);
        Assert.Empty(result.Partial.All);
        Assert.Equal([missing], result.UnreadableFiles);
    }
}
