using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>DeploymentCampaign: client version, targets, device map, waves and thresholds.</summary>
internal static class CampaignChecks
{
    public static void Check(LoadedConfig config, Findings findings)
    {
        foreach (var (document, campaign) in config.All<DeploymentCampaign>())
        {
            var spec = campaign.Spec;
            if (string.IsNullOrWhiteSpace(spec.ClientVersion))
                findings.Add(document, "spec.clientVersion", "clientVersion must not be empty");
            for (var i = 0; i < (spec.MappingRefs?.Count ?? 0); i++)
                FieldChecks.Reference(document, campaign, $"spec.mappingRefs[{i}].name", ProvisioningMapping.KindName, spec.MappingRefs![i], config, findings);
            if (spec.Method == DeploymentMethod.DeviceMapping)
            {
                if (string.IsNullOrEmpty(spec.DeviceMap?.Path))
                    findings.Add(document, "spec.deviceMap.path", "method DeviceMapping needs spec.deviceMap.path: the device-map CSV, relative to this file");
                else
                    FieldChecks.FileExists(document, "spec.deviceMap.path", spec.DeviceMap.Path, findings);
            }
            CheckWaves(document, spec.Rollout.Waves, findings);
            FieldChecks.Percent(document, "spec.rollout.maxFailurePercent", spec.Rollout.MaxFailurePercent, findings);
            FieldChecks.Duration(document, "spec.tokenTTL", spec.TokenTTL, DeploymentCampaignSpec.TokenTTLRange, findings);
        }
    }

    private static void CheckWaves(ConfigDocument document, List<RolloutWave>? waves, Findings findings)
    {
        if (waves is null) return;
        if (waves.Count == 0)
        {
            findings.Add(document, "spec.rollout.waves", "list at least one wave; the last must be 100 percent");
            return;
        }
        var previous = 0;
        for (var i = 0; i < waves.Count; i++)
        {
            var path = $"spec.rollout.waves[{i}]";
            var percent = waves[i].Percent;
            if (percent is < 1 or > 100)
                findings.Add(document, path + ".percent", "percent must be between 1 and 100");
            else if (percent <= previous)
                findings.Add(document, path + ".percent", $"percent must be greater than the previous wave's {previous}");
            else if (i == waves.Count - 1 && percent != 100)
                findings.Add(document, path + ".percent", "the last wave must reach 100 percent");
            previous = Math.Max(previous, percent);
            FieldChecks.Duration(document, path + ".bakeTime", waves[i].BakeTime, RolloutWave.BakeTimeRange, findings);
        }
    }
}
