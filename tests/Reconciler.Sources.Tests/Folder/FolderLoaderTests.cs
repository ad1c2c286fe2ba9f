using Reconciler.Core.Resources;

namespace Reconciler.Sources.Tests.Folder;

public sealed class FolderLoaderTests
{
    private const string FullSample = """
        apiVersion: provisioning.reconciler.dev/v1alpha1
        kind: ProvisioningMapping
        metadata:
          name: engineering
        spec:
          sourceRef: {name: hr-csv}
          priority: 10
          filter:
            groups: [eng]
            attributes:
            - {name: department, operator: In, values: [R&D]}
          profile: laptops-standard
          storageRegion: us-east
          quotaPolicyRef: {name: standard-50g}
        ---
        apiVersion: provisioning.reconciler.dev/v1alpha1
        kind: ProvisioningMapping
        metadata:
          name: contractors
          generation: 7
        spec:
          sourceRef: {name: hr-csv}
          priority: 20
          profile: laptops-basic
          storageRegion: eu-west
          quota: 0
          autoImportNewUsers: false
          loginMechanism: SingleSignOn
        ---
        apiVersion: provisioning.reconciler.dev/v1alpha1
        kind: DeploymentCampaign
        metadata:
          name: laptops-wave-2026q4
        spec:
          method: DeviceMapping
          mappingRefs: [{name: engineering}]
          deviceMap: {path: data/device-map.csv}
          platforms: [Windows, macOS]
          clientVersion: "7.5"
          rollout:
            waves: [{percent: 5, bakeTime: 1h}, {percent: 25, bakeTime: 4h}, {percent: 100}]
          replacement: {enabled: true, restoreData: DATA}
        """;

    [Fact]
    public void Load_ValidSampleLoadsWithDefaults()
    {
        using var config = new TempConfig().WithBase()
            .Write("mappings/all.yml", FullSample)
            .Write("mappings/data/device-map.csv", "email,hostname\n");

        var result = config.Load();

        Assert.Empty(result.Errors);
        var state = Assert.IsType<DesiredState>(result.State);
        var source = Assert.Single(state.Sources);
        Assert.Equal(DirectorySourceType.Csv, source.Spec.Type);
        Assert.Equal("1h", source.Spec.SyncInterval);
        Assert.Equal(10, source.Spec.DeletionGuard.MaxDeletePercent);
        Assert.Null(source.Spec.DeletionGuard.MaxDeleteCount);
        Assert.Equal("users.csv", source.Spec.Csv!.Path);
        Assert.Equal(1, source.Metadata.Generation);

        Assert.Equal(["contractors", "engineering"], state.Mappings.Select(m => m.Name));
        var engineering = state.Mappings[1].Spec;
        Assert.True(engineering.AutoImportNewUsers);
        Assert.True(engineering.PreserveUnmappedUsers);
        Assert.Equal(LoginMechanism.DirectoryPassword, engineering.LoginMechanism);
        Assert.Equal(FilterOperator.In, engineering.Filter.Attributes![0].Operator);
        Assert.Equal(["R&D"], engineering.Filter.Attributes[0].Values!);
        Assert.Equal("standard-50g", engineering.QuotaPolicyRef!.Name);
        var contractors = state.Mappings[0];
        Assert.Equal("0", contractors.Spec.Quota);
        Assert.False(contractors.Spec.AutoImportNewUsers);
        Assert.Equal(LoginMechanism.SingleSignOn, contractors.Spec.LoginMechanism);
        Assert.Equal(7, contractors.Metadata.Generation);

        Assert.Equal("50Gi", Assert.Single(state.QuotaPolicies).Spec.Quota);
        var campaign = Assert.Single(state.Campaigns).Spec;
        Assert.Equal("7.5", campaign.ClientVersion);
        Assert.Equal([5, 25, 100], campaign.Rollout.Waves!.Select(w => w.Percent));
        Assert.Equal(5, campaign.Rollout.MaxFailurePercent);
        Assert.Equal("2160h", campaign.TokenTTL);
        Assert.Equal(RestoreScope.DATA, campaign.Replacement!.RestoreData);
        Assert.Equal([Platform.Windows, Platform.macOS], campaign.Platforms!);

        Assert.Equal(new ResourceOrigin(Path.GetFullPath(Path.Combine(config.Directory, "mappings", "all.yml")), 16, 1),
            state.Origins[new ResourceKey("ProvisioningMapping", "default", "contractors")]);
        Assert.Equal(new ResourceOrigin(Path.GetFullPath(Path.Combine(config.Directory, "base.yaml")), 1, 1), state.OriginOf(source));
        Assert.Matches("^[0-9a-f]{12}$", state.Revision);
    }

    [Fact]
    public void Load_RevisionFollowsYamlButNotReferencedData()
    {
        using var config = new TempConfig().WithBase();
        var first = config.Load().State!.Revision;

        config.Write("users.csv", "id,userName,email\n2,bob,bob@example.com\n");
        Assert.Equal(first, config.Load().State!.Revision);

        config.Write("base.yaml", File.ReadAllText(Path.Combine(config.Directory, "base.yaml")) + "\n# a comment\n");
        Assert.NotEqual(first, config.Load().State!.Revision);
    }

    [Fact]
    public void Load_ReportsMissingFolder()
    {
        using var config = new TempConfig();
        var missing = Path.Combine(config.Directory, "nope");

        var result = new Reconciler.Sources.Folder.FolderLoader().Load(missing);

        Assert.Null(result.State);
        Assert.Equal($"{missing}: folder does not exist", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Load_ReportsFolderWithoutYaml()
    {
        using var config = new TempConfig().Write("users.csv", "id\n").Write("notes.txt", "kind: DirectorySource\n");

        var error = Assert.Single(config.Load().Errors);

        Assert.Equal($"{config.Directory}: folder contains no .yaml or .yml files", error.ToString());
    }

    [Fact]
    public void Load_RendersFileAsTheGivenFolderJoinedWithTheRelativePath()
    {
        using var config = new TempConfig().WithBase().Write("teams/eng.yaml", TempConfig.Header + "kind: DirectorySorce\n");

        var error = Assert.Single(config.Load().Errors);

        Assert.Equal(Path.Join(config.Directory, "teams", "eng.yaml"), error.File);
        Assert.Equal((2, 7, "kind"), (error.Line, error.Column, error.Path));
        Assert.Equal(
            $"{error.File}:2:7: kind: unknown kind 'DirectorySorce' (did you mean 'DirectorySource'?); the kinds are DirectorySource, ProvisioningMapping, StorageQuotaPolicy, DeploymentCampaign",
            error.ToString());
    }

    [Fact]
    public void Load_ReportsMalformedYamlAndStillChecksOtherFiles()
    {
        using var config = new TempConfig().WithBase()
            .Write("a.yaml", "apiVersion: provisioning.reconciler.dev/v1alpha1\nkind: DirectorySource\nmetadata:\n  name: x\n spec: {}\n")
            .Write("b.yaml", "metadata: {name: [unclosed\n")
            .Write("c.yaml", "kind: DirectorySource\n")
            .Write("d.yaml", "a: [1, 2\nb: 3\n");

        config.AssertErrors(
                "a.yaml:5:2: (file): invalid YAML: while parsing a block mapping, did not find expected key",
                "b.yaml:2:1: (file): invalid YAML: while parsing a flow sequence, did not find expected ',' or ']'",
                "c.yaml:1:1: (file): missing required field 'apiVersion' (write apiVersion: provisioning.reconciler.dev/v1alpha1)",
                "d.yaml:2:1: (file): invalid YAML: the text cannot be read from here on; look for an unclosed [, { or quote");
    }

    [Fact]
    public void Load_ReportsDuplicateYamlKeys()
    {
        using var config = new TempConfig().WithBase().Write("a.yaml", "kind: DirectorySource\nkind: ProvisioningMapping\n");

        Assert.Equal(["a.yaml:2:1: (file): invalid YAML: duplicate key kind"], config.Errors());
    }

    [Fact]
    public void Load_SkipsEmptyDocumentsAndHiddenFolders()
    {
        using var config = new TempConfig().WithBase()
            .Write("empty.yaml", "---\n# nothing here\n---\n")
            .Write(".github/workflows/ci.yml", "on: push\n");

        var result = config.Load();

        Assert.Empty(result.Errors);
        Assert.NotNull(result.State);
    }

    [Fact]
    public void Load_ReportsWrongApiVersionAndNonMappingDocuments()
    {
        using var config = new TempConfig().WithBase().Write("a.yaml", """
            apiVersion: v1
            kind: ConfigMap
            ---
            - just
            - a list
            """);

        Assert.Equal(
            [
                "a.yaml:1:13: apiVersion: apiVersion must be provisioning.reconciler.dev/v1alpha1",
                "a.yaml:2:7: kind: unknown kind 'ConfigMap'; the kinds are DirectorySource, ProvisioningMapping, StorageQuotaPolicy, DeploymentCampaign",
                "a.yaml:4:1: (file): a document must be a mapping with apiVersion, kind, metadata and spec",
            ],
            config.Errors());
    }

    [Fact]
    public void Load_ReportsAllErrorsOfAllFilesTogether()
    {
        using var config = new TempConfig().WithBase()
            .Write("a.yaml", TempConfig.Header + """
                kind: ProvisioningMapping
                metadata: {name: eng}
                spec:
                  sourceRef: {name: hr-csv}
                  profile: laptops
                  storageRegion: ap-south
                  quotaPolicyRef: {name: standard-50g}
                """)
            .Write("b.yaml", TempConfig.Header + """
                kind: StorageQuotaPolicy
                metadata: {name: big}
                spec: {quota: 1TB}
                ---
                apiVersion: provisioning.reconciler.dev/v1alpha1
                kind: DeploymentCampaign
                metadata: {name: wave}
                spec:
                  method: ActiveDirectory
                  clientVersion: 7.5.2
                  rollout: {maxFailurePercent: 101}
                """);

        Assert.Equal(
            [
                "a.yaml:7:18: spec.storageRegion: mapping 'eng' uses storage region 'ap-south', but StorageQuotaPolicy 'standard-50g' allows only us-east, eu-west",
                "b.yaml:4:15: spec.quota: '1TB' is not a quantity; write e.g. 500Mi, 50Gi, 1Ti, or 0 for unlimited",
                "b.yaml:12:32: spec.rollout.maxFailurePercent: maxFailurePercent must be between 0 and 100",
            ],
            config.Errors());
    }
}
