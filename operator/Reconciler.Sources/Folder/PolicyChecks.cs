using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>StorageQuotaPolicy: a quantity Kubernetes-style and a warning threshold that is a percentage.</summary>
internal static class PolicyChecks
{
    public static void Check(LoadedConfig config, Findings findings)
    {
        foreach (var (document, policy) in config.All<StorageQuotaPolicy>())
        {
            FieldChecks.Quantity(document, "spec.quota", policy.Spec.Quota, findings);
            FieldChecks.Percent(document, "spec.warnAtPercent", policy.Spec.WarnAtPercent, findings);
        }
    }
}
