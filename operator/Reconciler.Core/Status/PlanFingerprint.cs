using System.Security.Cryptography;
using System.Text;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Status;

/// <summary>
/// A fingerprint of everything in the configuration that one source's plan depends on: the source's spec (but not
/// how often it is read), its mappings and the quota policies they use. Equal fingerprints mean a plan made under
/// one configuration is still valid under the other.
/// </summary>
public static class PlanFingerprint
{
    /// <summary>Moves when the planner's rules change, so plans made by an older version are not trusted.</summary>
    private const string RulesVersion = "planner/1";

    public static string Of(DesiredState desired, DirectorySource source)
    {
        var mappings = desired.Mappings
            .Where(m => m.Namespace == source.Namespace && m.Spec.SourceRef.Name == source.Name)
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        var policies = mappings.Select(m => m.Spec.QuotaPolicyRef?.Name).OfType<string>().Distinct()
            .Select(name => desired.QuotaPolicies.FirstOrDefault(p => p.Namespace == source.Namespace && p.Name == name))
            .OfType<StorageQuotaPolicy>()
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string part) => hash.AppendData(Encoding.UTF8.GetBytes(part + "\n"));
        Add(RulesVersion);
        Add(source.Key.QualifiedName);
        Add(SpecJson.Serialize(source.Spec with { SyncInterval = "" }));
        foreach (var mapping in mappings) Add(mapping.Name + "=" + SpecJson.Serialize(mapping.Spec));
        foreach (var policy in policies) Add(policy.Name + "=" + SpecJson.Serialize(policy.Spec));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..24];
    }
}
