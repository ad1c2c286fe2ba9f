using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Reconciler.Core.Resources;

[Description("A mass deployment of the backup client in waves.")]
public sealed record DeploymentCampaign : Resource
{
    public const string KindName = "DeploymentCampaign";

    public DeploymentCampaign() => Kind = KindName;

    [System.ComponentModel.DataAnnotations.Required]
    [Description("What to install, on whose devices, and how fast.")]
    public DeploymentCampaignSpec Spec { get; init; } = new();

    [Description("Progress of the rollout.")]
    public DeploymentCampaignStatus? Status { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<DeploymentMethod>))]
public enum DeploymentMethod { ActiveDirectory, DeviceMapping, AzureAD }

[JsonConverter(typeof(JsonStringEnumConverter<Platform>))]
public enum Platform { Windows, macOS }

[JsonConverter(typeof(JsonStringEnumConverter<RestoreScope>))]
public enum RestoreScope { ALL, SYSTEM, DATA }

public sealed record DeploymentCampaignSpec
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("ActiveDirectory (IMD v2, by AD logon name), DeviceMapping (IMD v4, by device-map CSV) or AzureAD (IMD v5, by UPN).")]
    public DeploymentMethod Method { get; init; }

    [Description("Mappings whose users are targeted.")]
    public List<ResourceRef>? MappingRefs { get; init; }

    [Description("Device-map CSV for DeviceMapping: email,hostname,deviceId,deviceIdType,userName,oldDeviceName,restoreData.")]
    public DeviceMapSettings? DeviceMap { get; init; }

    public List<Platform>? Platforms { get; init; }

    [System.ComponentModel.DataAnnotations.Required]
    [Description("Version of the backup client to install.")]
    public string ClientVersion { get; init; } = "";

    public RolloutSettings Rollout { get; init; } = new();

    [Description("Device replacement: restore the old device's data onto the new one.")]
    public ReplacementSettings? Replacement { get; init; }

    /// <summary>What <see cref="TokenTTL"/> may be: from a minute to ten years.</summary>
    public static readonly DurationRange TokenTTLRange = new(TimeSpan.FromMinutes(1), TimeSpan.FromHours(87600));

    [Description("Lifetime of mass-deployment tokens, as a Go-style duration, between 1m and 87600h.")]
    public string TokenTTL { get; init; } = "2160h";
}

public sealed record DeviceMapSettings
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Path of the device-map CSV, relative to the YAML file.")]
    public string Path { get; init; } = "";
}

public sealed record RolloutSettings
{
    [Description("Waves by cumulative percentage of devices, each with a bake time before the next.")]
    public List<RolloutWave>? Waves { get; init; }

    [Description("Failure percentage that pauses the campaign.")]
    public int MaxFailurePercent { get; init; } = 5;

    [Description("Manual pause.")]
    public bool Paused { get; init; }
}

public sealed record RolloutWave
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Cumulative percentage of devices (1-100) reached by the end of this wave.")]
    public int Percent { get; init; }

    /// <summary>What <see cref="BakeTime"/> may be: none at all up to 30 days.</summary>
    public static readonly DurationRange BakeTimeRange = new(TimeSpan.Zero, TimeSpan.FromHours(720));

    [Description("How long to wait after the wave before the next, as a Go-style duration, between 0s and 720h.")]
    public string? BakeTime { get; init; }
}

public sealed record ReplacementSettings
{
    public bool Enabled { get; init; }
    public RestoreScope RestoreData { get; init; } = RestoreScope.ALL;
}

public sealed record DeploymentCampaignStatus : ResourceStatus
{
    public int CurrentWave { get; init; }
    public Dictionary<string, int>? DevicesByPhase { get; init; }
    public string? FailureRatio { get; init; }
}
