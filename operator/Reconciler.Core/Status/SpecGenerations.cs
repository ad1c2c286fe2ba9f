using System.Security.Cryptography;
using System.Text;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Status;

/// <summary>A resource's spec fingerprint and the generation it was given.</summary>
public sealed record SpecGeneration(string SpecHash, long Generation);

/// <summary>
/// Gives resources from a folder or git a metadata.generation that behaves like the API server's: it starts at 1
/// and moves by one each time the spec changes, so observedGeneration tells whether a status is current.
/// </summary>
public static class SpecGenerations
{
    /// <summary>The desired state with every resource's generation set from what was recorded for its spec before.</summary>
    public static DesiredState Assign(DesiredState desired, Func<ResourceKey, SpecGeneration?> previous)
    {
        T With<T>(T resource) where T : Resource
        {
            if (desired.GenerationsAssigned) return resource;
            var hash = Hash(SpecOf(resource));
            var before = previous(resource.Key);
            var generation = before is null || before.Generation < 1 ? 1
                : before.SpecHash == hash ? before.Generation
                : before.Generation + 1;
            return resource with { Metadata = resource.Metadata with { Generation = generation } };
        }
        return desired with
        {
            Sources = desired.Sources.Select(With).ToList(),
            Mappings = desired.Mappings.Select(With).ToList(),
            QuotaPolicies = desired.QuotaPolicies.Select(With).ToList(),
            Campaigns = desired.Campaigns.Select(With).ToList(),
        };
    }

    /// <summary>The fingerprint and generation of a resource whose generation is assigned.</summary>
    public static SpecGeneration Of(Resource resource) => new(Hash(SpecOf(resource)), resource.Metadata.Generation);

    public static string Hash(object spec) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SpecJson.Serialize(spec))))[..16];

    private static object SpecOf(Resource resource) => resource switch
    {
        DirectorySource s => s.Spec,
        ProvisioningMapping m => m.Spec,
        StorageQuotaPolicy p => p.Spec,
        DeploymentCampaign c => c.Spec,
        _ => throw new ArgumentException($"no spec for kind {resource.Kind}", nameof(resource)),
    };
}
