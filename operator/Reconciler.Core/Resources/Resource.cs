using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Reconciler.Core.Resources;

/// <summary>What every custom resource carries: type information, metadata and a status with conditions.</summary>
public abstract record Resource
{
    public const string Group = "provisioning.reconciler.dev";
    public const string Version = "v1alpha1";
    public const string GroupVersion = Group + "/" + Version;

    [System.ComponentModel.DataAnnotations.Required]
    [Description("API group and version: provisioning.reconciler.dev/v1alpha1.")]
    public string ApiVersion { get; init; } = GroupVersion;

    [System.ComponentModel.DataAnnotations.Required]
    [Description("The kind of resource.")]
    public string Kind { get; init; } = "";

    [System.ComponentModel.DataAnnotations.Required]
    [Description("Name, namespace, labels and annotations.")]
    public ResourceMetadata Metadata { get; init; } = new();

    [JsonIgnore]
    public string Name => Metadata.Name;

    /// <summary>metadata.namespace, or <see cref="ResourceKey.DefaultNamespace"/> when it is not set.</summary>
    [JsonIgnore]
    public string Namespace => string.IsNullOrEmpty(Metadata.Namespace) ? ResourceKey.DefaultNamespace : Metadata.Namespace;

    [JsonIgnore]
    public ResourceKey Key => ResourceKey.Of(this);
}

public sealed record ResourceMetadata
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Unique name of the resource within its kind and namespace.")]
    public string Name { get; init; } = "";

    [Description("Namespace, a DNS-1123 label; \"default\" when not set. References resolve within the namespace of the resource that makes them.")]
    public string? Namespace { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    public Dictionary<string, string>? Annotations { get; init; }

    [Description("Incremented on every change of the spec. Set by the API server, or derived from the spec's content for files.")]
    public long Generation { get; init; }
}

/// <summary>Base of every kind's status: the generation it describes and its conditions.</summary>
public abstract record ResourceStatus
{
    [Description("The metadata.generation this status describes.")]
    public long ObservedGeneration { get; init; }

    [Description("Kubernetes-style conditions; Ready summarises the resource.")]
    public List<Condition> Conditions { get; init; } = [];
}

/// <summary>Shaped like metav1.Condition.</summary>
public sealed record Condition
{
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";

    [System.ComponentModel.DataAnnotations.Required]
    [Description("Type of condition, e.g. Ready.")]
    public string Type { get; init; } = "";

    [System.ComponentModel.DataAnnotations.Required]
    [Description("True, False or Unknown.")]
    public ConditionStatus Status { get; init; } = ConditionStatus.Unknown;

    [Description("A CamelCase reason for the condition's last transition.")]
    public string Reason { get; init; } = "";

    [Description("A human readable message with details.")]
    public string Message { get; init; } = "";

    [Description("When the condition last changed status.")]
    public DateTimeOffset LastTransitionTime { get; init; }

    [Description("The metadata.generation this condition was set for.")]
    public long ObservedGeneration { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ConditionStatus>))]
public enum ConditionStatus { True, False, Unknown }

/// <summary>A reference to another resource by name.</summary>
public sealed record ResourceRef
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Name of the referenced resource.")]
    public string Name { get; init; } = "";
}
