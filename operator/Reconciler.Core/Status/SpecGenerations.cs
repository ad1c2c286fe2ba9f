using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
    private static readonly JsonSerializerOptions HashOptions = new(JsonSerializerDefaults.Web);

    public static (DesiredState Desired, IReadOnlyDictionary<(string Kind, string Name), SpecGeneration> Generations) Assign(
        DesiredState desired, Func<string, string, SpecGeneration?> previous)
    {
        var generations = new Dictionary<(string, string), SpecGeneration>();
        T With<T>(T resource, object spec) where T : Resource
        {
            var hash = Hash(spec);
            var before = previous(resource.Kind, resource.Name);
            var generation = desired.GenerationsAssigned ? resource.Metadata.Generation
                : before is null || before.Generation < 1 ? 1
                : before.SpecHash == hash ? before.Generation
                : before.Generation + 1;
            generations[(resource.Kind, resource.Name)] = new SpecGeneration(hash, generation);
            return resource with { Metadata = resource.Metadata with { Generation = generation } };
        }
        var assigned = desired with
        {
            Sources = desired.Sources.Select(s => With(s, s.Spec)).ToList(),
            Mappings = desired.Mappings.Select(m => With(m, m.Spec)).ToList(),
            QuotaPolicies = desired.QuotaPolicies.Select(q => With(q, q.Spec)).ToList(),
            Campaigns = desired.Campaigns.Select(c => With(c, c.Spec)).ToList(),
        };
        return (assigned, generations);
    }

    public static string Hash(object spec) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(spec, spec.GetType(), HashOptions))))[..16];
}
