using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Reconciler.Core.Resources;

[Description("A named storage quota and the regions it may be used in.")]
public sealed record StorageQuotaPolicy : Resource
{
    public const string KindName = "StorageQuotaPolicy";

    public StorageQuotaPolicy() => Kind = KindName;

    [System.ComponentModel.DataAnnotations.Required]
    [Description("The quota and where it may be used.")]
    public StorageQuotaPolicySpec Spec { get; init; } = new();

    [Description("Users bound to this policy and their usage.")]
    public StorageQuotaPolicyStatus? Status { get; init; }
}

public sealed record StorageQuotaPolicySpec
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Quota per user: 50Gi, 1Ti, 500Mi, or 0 for unlimited; suffixes k, M, G, T, P, E and Ki to Ei; at most 8Ei.")]
    [IntOrString, JsonConverter(typeof(IntOrStringConverter))]
    public string Quota { get; init; } = "0";

    [Description("Regions users of this policy may be stored in. Empty allows every region.")]
    public List<string>? AllowedRegions { get; init; }

    [Description("Percentage of the quota at which users are warned.")]
    public int WarnAtPercent { get; init; } = 90;
}

public sealed record StorageQuotaPolicyStatus : ResourceStatus
{
    public int UsersBound { get; init; }
    public long BytesAllocated { get; init; }
    public int UsersOverQuota { get; init; }
}
