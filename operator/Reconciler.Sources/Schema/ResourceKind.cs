using Reconciler.Core.Resources;

namespace Reconciler.Sources.Schema;

/// <summary>One kind of custom resource: its C# type and its Kubernetes names.</summary>
public sealed record ResourceKind(string Kind, Type Type, string Plural, IReadOnlyList<string> ShortNames)
{
    public string Singular => Kind.ToLowerInvariant();

    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        new(DirectorySource.KindName, typeof(DirectorySource), "directorysources", ["dirsrc"]),
        new(ProvisioningMapping.KindName, typeof(ProvisioningMapping), "provisioningmappings", ["provmap"]),
        new(StorageQuotaPolicy.KindName, typeof(StorageQuotaPolicy), "storagequotapolicies", ["quotapolicy"]),
        new(DeploymentCampaign.KindName, typeof(DeploymentCampaign), "deploymentcampaigns", ["campaign"]),
    ];

    public static ResourceKind? Find(string kind) => All.FirstOrDefault(k => k.Kind == kind);
}
