namespace Reconciler.Sources.Tests.Folder;

/// <summary>Durations and quantities outside what a field accepts are reported with the field's range, never thrown.</summary>
public sealed class RangeCheckTests
{
    [Fact]
    public void Load_ReportsDurationsOutOfRange_WithEachFieldsRange()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec:
              type: Scim
              syncInterval: 99999999999999h
              scim: {tokenTTL: 30m}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata: {name: corp2}
            spec:
              type: Csv
              csv: {path: users.csv}
              syncInterval: 1000000h
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DeploymentCampaign
            metadata: {name: wave}
            spec:
              method: ActiveDirectory
              clientVersion: 7.5.2
              tokenTTL: 2160000000h
              rollout:
                waves: [{percent: 50, bakeTime: 0s}, {percent: 100, bakeTime: 721h}]
            """);

        config.AssertErrors(
            "test.yaml:6:17: spec.syncInterval: '99999999999999h' is out of range: syncInterval must be between 1s and 720h",
            "test.yaml:7:20: spec.scim.tokenTTL: '30m' is out of range: tokenTTL must be between 1h and 87600h",
            "test.yaml:15:17: spec.syncInterval: '1000000h' is out of range: syncInterval must be between 1s and 720h",
            "test.yaml:23:13: spec.tokenTTL: '2160000000h' is out of range: tokenTTL must be between 1m and 87600h",
            "test.yaml:25:67: spec.rollout.waves[1].bakeTime: '721h' is out of range: bakeTime must be between 0s and 720h");
    }

    [Fact]
    public void Load_AcceptsTheBoundsOfEachRange()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec: {type: Csv, csv: {path: users.csv}, syncInterval: 720h}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DeploymentCampaign
            metadata: {name: wave}
            spec:
              method: ActiveDirectory
              clientVersion: 7.5.2
              tokenTTL: 1m
              rollout: {waves: [{percent: 50, bakeTime: 0s}, {percent: 100, bakeTime: 720h}]}
            """);

        Assert.Empty(config.Load().Errors);
    }

    [Fact]
    public void Load_ReportsQuantitiesTooLargeForBytes_AsOutOfRange()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: StorageQuotaPolicy
            metadata: {name: huge}
            spec: {quota: 99999999Ei}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: StorageQuotaPolicy
            metadata: {name: digits}
            spec: {quota: 99999999999999999999}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: StorageQuotaPolicy
            metadata: {name: big-but-fine}
            spec: {quota: 7Ei}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: StorageQuotaPolicy
            metadata: {name: decimal}
            spec: {quota: 2E}
            """);

        config.AssertErrors(
            "test.yaml:4:15: spec.quota: '99999999Ei' is out of range (at most 8Ei)",
            "test.yaml:9:15: spec.quota: '99999999999999999999' is out of range (at most 8Ei)");
    }
}
