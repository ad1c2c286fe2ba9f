using Reconciler.Core.Resources;

namespace Reconciler.Sources.Tests.Folder;

/// <summary>metadata.namespace: optional, a DNS-1123 label; names are unique and references resolve per namespace.</summary>
public sealed class NamespaceTests
{
    private static string Source(string name, string? @namespace) => TempConfig.Header + $$$"""
        kind: DirectorySource
        metadata: {name: {{{name}}}{{{(@namespace is null ? "" : ", namespace: " + @namespace)}}}}
        spec: {type: Csv, csv: {path: users.csv}}

        """;

    private static string Mapping(string name, string? @namespace, string source, int priority = 10) => TempConfig.Header + $$$"""
        kind: ProvisioningMapping
        metadata: {name: {{{name}}}{{{(@namespace is null ? "" : ", namespace: " + @namespace)}}}}
        spec: {sourceRef: {name: {{{source}}}}, priority: {{{priority}}}, profile: laptops, storageRegion: us-east}

        """;

    [Fact]
    public void Load_KeepsResourcesOfTheSameNameInDifferentNamespacesApart()
    {
        using var config = new TempConfig().WithBase()
            .Write("team-a.yaml", Source("hr-csv", "team-a") + "---\n" + Mapping("eng", "team-a", "hr-csv"))
            .Write("default.yaml", Mapping("eng", null, "hr-csv"));

        var result = config.Load();

        Assert.Empty(result.Errors);
        var state = result.State!;
        Assert.Equal(["default/hr-csv", "team-a/hr-csv"], state.Sources.Select(s => $"{s.Namespace}/{s.Name}"));
        Assert.Equal(["default/eng", "team-a/eng"], state.Mappings.Select(m => $"{m.Namespace}/{m.Name}"));
        Assert.Equal(Path.Combine(config.Directory, "team-a.yaml"), state.Origins[new ResourceKey(DirectorySource.KindName, "team-a", "hr-csv")].File);
        Assert.Equal(Path.Combine(config.Directory, "base.yaml"), state.OriginOf(state.Sources[0])!.File);
        Assert.Equal((6, 1), (state.OriginOf(state.Mappings[1])!.Line, state.OriginOf(state.Mappings[1])!.Column));
    }

    [Fact]
    public void Load_ReportsADuplicateWithinANamespace_NamingItsNamespace()
    {
        using var config = new TempConfig().WithBase()
            .Write("a.yaml", Source("corp", "team-a"))
            .Write("b.yaml", Source("corp", "team-a"));

        config.AssertErrors("b.yaml:3:18: metadata.name: duplicate DirectorySource name 'team-a/corp' (first declared at a.yaml:3:18)");
    }

    [Theory]
    [InlineData("Team_A", "'Team_A' is not a valid namespace: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit")]
    [InlineData("team.a", "'team.a' is not a valid namespace: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit")]
    [InlineData("-team", "'-team' is not a valid namespace: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit")]
    [InlineData("\"\"", "namespace must not be empty; leave metadata.namespace out for the default namespace")]
    public void Load_ReportsANamespaceThatIsNotADnsLabel(string written, string message)
    {
        using var config = new TempConfig().WithBase().Write("a.yaml", Source("corp", written));

        config.AssertErrors("a.yaml:3:35: metadata.namespace: " + message);
    }

    [Fact]
    public void Load_ReportsANamespaceLongerThan63Characters()
    {
        var longest = new string('a', 63);
        using var config = new TempConfig().WithBase()
            .Write("a.yaml", Source("corp", longest))
            .Write("b.yaml", Source("corp", longest + "a"));

        var errors = config.Errors();

        Assert.Equal("b.yaml:3:35: metadata.namespace: '" + longest + "a' is not a valid namespace: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit", Assert.Single(errors));
    }

    [Fact]
    public void Load_ResolvesReferencesWithinTheReferringNamespace()
    {
        using var config = new TempConfig().WithBase()
            .Write("team-a.yaml", Mapping("eng", "team-a", "hr-csv") + "---\n" + Mapping("ops", "team-a", "hr-cvs", priority: 20))
            .Write("team-b.yaml", Source("hr-csv", "team-b") + "---\n" + Mapping("eng", "team-b", "hr-cvs"));

        config.AssertErrors(
            "team-a.yaml:4:26: spec.sourceRef.name: DirectorySource 'team-a/hr-csv' does not exist (a reference resolves within namespace 'team-a'; 'hr-csv' is declared in namespace 'default', 'team-b')",
            "team-a.yaml:9:26: spec.sourceRef.name: DirectorySource 'team-a/hr-cvs' does not exist",
            "team-b.yaml:9:26: spec.sourceRef.name: DirectorySource 'team-b/hr-cvs' does not exist (did you mean 'hr-csv'?)");
    }

    [Fact]
    public void Load_ChecksPrioritiesPerSourceWithinItsNamespace()
    {
        using var config = new TempConfig().WithBase()
            .Write("a.yaml", Source("hr-csv", "team-a") + "---\n" + Mapping("eng", "team-a", "hr-csv") + "---\n" + Mapping("ops", "team-a", "hr-csv"))
            .Write("b.yaml", Mapping("eng", null, "hr-csv"));

        config.AssertErrors(
            "a.yaml:14:45: spec.priority: mappings 'team-a/eng' and 'team-a/ops' of DirectorySource 'team-a/hr-csv' both have priority 10; give each a different priority");
    }

    [Fact]
    public void Load_LooksUpTheQuotaPolicyOfAMappingInItsNamespace()
    {
        using var config = new TempConfig().WithBase().Write("a.yaml", Source("hr-csv", "team-a") + "---\n" + TempConfig.Header + """
            kind: StorageQuotaPolicy
            metadata: {name: standard-50g, namespace: team-a}
            spec: {quota: 50Gi, allowedRegions: [ap-south]}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: eng, namespace: team-a}
            spec:
              sourceRef: {name: hr-csv}
              profile: laptops
              storageRegion: us-east
              quotaPolicyRef: {name: standard-50g}
            """);

        config.AssertErrors("a.yaml:17:18: spec.storageRegion: mapping 'team-a/eng' uses storage region 'us-east', but StorageQuotaPolicy 'team-a/standard-50g' allows only ap-south");
    }

    [Fact]
    public void Load_ResolvesCampaignMappingRefsWithinTheCampaignsNamespace()
    {
        using var config = new TempConfig().WithBase().Write("a.yaml", Mapping("engineering", null, "hr-csv") + "---\n" + TempConfig.Header + """
            kind: DeploymentCampaign
            metadata: {name: wave, namespace: team-a}
            spec: {method: ActiveDirectory, clientVersion: 7.5.2, mappingRefs: [{name: engineering}]}
            """);

        config.AssertErrors("a.yaml:9:76: spec.mappingRefs[0].name: ProvisioningMapping 'team-a/engineering' does not exist (a reference resolves within namespace 'team-a'; 'engineering' is declared in namespace 'default')");
    }

    [Fact]
    public void Load_TreatsAnExplicitDefaultNamespaceAsTheDefault()
    {
        using var config = new TempConfig().WithBase().Write("a.yaml", Mapping("eng", "default", "hr-csv"));

        var state = config.Load().State!;

        Assert.Equal(new ResourceKey(ProvisioningMapping.KindName, "default", "eng"), Assert.Single(state.Mappings).Key);
    }
}
