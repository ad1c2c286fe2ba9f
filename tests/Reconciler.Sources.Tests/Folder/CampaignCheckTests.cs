namespace Reconciler.Sources.Tests.Folder;

public sealed class CampaignCheckTests
{
    private const string Mapping = """
        apiVersion: provisioning.reconciler.dev/v1alpha1
        kind: ProvisioningMapping
        metadata: {name: engineering}
        spec: {sourceRef: {name: hr-csv}, profile: laptops, storageRegion: us-east}
        """;

    [Fact]
    public void Load_ReportsWavesThatDoNotIncreaseToOneHundred()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DeploymentCampaign
            metadata: {name: wave}
            spec:
              method: ActiveDirectory
              clientVersion: 7.5.2
              rollout:
                waves:
                - {percent: 0}
                - {percent: 25, bakeTime: 4 hours}
                - {percent: 20}
                - {percent: 90}
            """);

        config.AssertErrors(
            "test.yaml:9:17: spec.rollout.waves[0].percent: percent must be between 1 and 100",
            "test.yaml:10:31: spec.rollout.waves[1].bakeTime: '4 hours' is not a duration; write e.g. 30s, 15m, 1h, 24h (units ms, s, m, h)",
            "test.yaml:11:17: spec.rollout.waves[2].percent: percent must be greater than the previous wave's 25",
            "test.yaml:12:17: spec.rollout.waves[3].percent: the last wave must reach 100 percent");
    }

    [Fact]
    public void Load_ReportsEmptyWaveList()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DeploymentCampaign
            metadata: {name: wave}
            spec: {method: ActiveDirectory, clientVersion: 7.5.2, rollout: {waves: []}}
            """);

        config.AssertErrors("test.yaml:4:72: spec.rollout.waves: list at least one wave; the last must be 100 percent");
    }

    [Fact]
    public void Load_ReportsMaxFailurePercentOutOfRangeAndBadTokenTtl()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DeploymentCampaign
            metadata: {name: wave}
            spec:
              method: AzureAD
              clientVersion: 7.5.2
              rollout: {maxFailurePercent: -5}
              tokenTTL: 90d
            """);

        config.AssertErrors(
            "test.yaml:7:32: spec.rollout.maxFailurePercent: maxFailurePercent must be between 0 and 100",
            "test.yaml:8:13: spec.tokenTTL: '90d' is not a duration; write e.g. 30s, 15m, 1h, 24h (units ms, s, m, h)");
    }

    [Fact]
    public void Load_ReportsDeviceMappingWithoutDeviceMap()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DeploymentCampaign
            metadata: {name: wave}
            spec:
              method: DeviceMapping
              clientVersion: 7.5.2
            """);

        config.AssertErrors("test.yaml:4:1: spec.deviceMap.path: method DeviceMapping needs spec.deviceMap.path: the device-map CSV, relative to this file");
    }

    [Fact]
    public void Load_ReportsMissingDeviceMapFile()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DeploymentCampaign
            metadata: {name: wave}
            spec:
              method: DeviceMapping
              clientVersion: 7.5.2
              deviceMap: {path: devices.csv}
            """);

        var error = Assert.Single(config.Load().Errors);

        Assert.Equal($"{Path.Join(config.Directory, "test.yaml")}:7:21: spec.deviceMap.path: file '{Path.Join(config.Directory, "devices.csv")}' does not exist", error.ToString());
    }

    [Fact]
    public void Load_ReportsBlankClientVersionAndDanglingMappingRef()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", Mapping + "\n---\n" + TempConfig.Header + """
            kind: DeploymentCampaign
            metadata: {name: wave}
            spec:
              method: ActiveDirectory
              clientVersion: "  "
              mappingRefs: [{name: engineering}, {name: enginering}, {name: sales}]
            """);

        config.AssertErrors(
            "test.yaml:11:18: spec.clientVersion: clientVersion must not be empty",
            "test.yaml:12:45: spec.mappingRefs[1].name: ProvisioningMapping 'enginering' does not exist (did you mean 'engineering'?)",
            "test.yaml:12:65: spec.mappingRefs[2].name: ProvisioningMapping 'sales' does not exist");
    }
}
