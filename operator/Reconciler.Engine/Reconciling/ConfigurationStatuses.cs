using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Sources;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>
/// The statuses a load of the configuration itself decides, before any source is reconciled: the configuration's
/// own row (its revision, or its errors), every invalid resource stalled on its errors, and campaigns (validated,
/// not rolled out yet). Sources, mappings and policies get theirs from their source's reconcile.
/// </summary>
public static class ConfigurationStatuses
{
    public static IReadOnlyList<StoredStatus> For(string location, DesiredSnapshot snapshot, IReadOnlyDictionary<StatusKey, StoredStatus> stored,
        DateTimeOffset now)
    {
        var reports = new List<(ResourceReport Report, SpecGeneration Spec)>();
        IReadOnlyList<Condition>? Previous(ResourceKey key) =>
            stored.TryGetValue(StatusJson.KeyOf(key), out var s) ? StatusJson.ConditionsOf(s.StatusJson) : null;

        var configuration = ConfigurationReport.Key(location);
        reports.Add((snapshot.IsValid
            ? ConfigurationReport.Valid(location, snapshot.Valid, now, Previous(configuration))
            : ConfigurationReport.Invalid(location, snapshot.Valid.Revision, snapshot.Errors, now, Previous(configuration)),
            new SpecGeneration(snapshot.Valid.Revision, 0)));
        foreach (var campaign in snapshot.Valid.Campaigns)
        {
            reports.Add((StatusBuilder.Campaign(campaign, now, Previous(campaign.Key)), SpecGenerations.Of(campaign)));
        }
        foreach (var (key, errors) in snapshot.Broken)
        {
            // A broken source's status comes from its own reconcile, which also holds what depends on it.
            if (key.Kind == DirectorySource.KindName) continue;
            ResourceStatus empty = key.Kind switch
            {
                ProvisioningMapping.KindName => new ProvisioningMappingStatus(),
                StorageQuotaPolicy.KindName => new StorageQuotaPolicyStatus(),
                _ => new DeploymentCampaignStatus(),
            };
            reports.Add((StatusBuilder.Invalid(key, empty, 0, errors, now, Previous(key)), new SpecGeneration("", 0)));
        }
        return reports.Select(r => StatusJson.Record(r.Report, stored.GetValueOrDefault(StatusJson.KeyOf(r.Report.Key)), now, r.Spec)).ToList();
    }
}
