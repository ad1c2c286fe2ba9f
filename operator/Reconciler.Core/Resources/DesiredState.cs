namespace Reconciler.Core.Resources;

/// <summary>Where a resource was declared, for error messages and for paths relative to its file.</summary>
public sealed record ResourceOrigin(string File, int Line, int Column);

/// <summary>Everything the desired state declares, as loaded and validated from a folder, git or a cluster.</summary>
public sealed record DesiredState
{
    public IReadOnlyList<DirectorySource> Sources { get; init; } = [];
    public IReadOnlyList<ProvisioningMapping> Mappings { get; init; } = [];
    public IReadOnlyList<StorageQuotaPolicy> QuotaPolicies { get; init; } = [];
    public IReadOnlyList<DeploymentCampaign> Campaigns { get; init; } = [];

    /// <summary>Where the configuration was read from, as the user named it: a folder, a git URL, a cluster.</summary>
    public string Location { get; init; } = "";

    /// <summary>Identifies this configuration in the audit log: a content hash of a folder, a git commit, a resourceVersion.</summary>
    public string Revision { get; init; } = "";

    /// <summary>
    /// True when an API server assigned metadata.generation (cluster resources). Otherwise (a folder, git) the
    /// reconciler derives it: it moves by one whenever a resource's spec changes.
    /// </summary>
    public bool GenerationsAssigned { get; init; }

    /// <summary>Where each resource came from, by its key (kind, namespace, name).</summary>
    public IReadOnlyDictionary<ResourceKey, ResourceOrigin> Origins { get; init; } = new Dictionary<ResourceKey, ResourceOrigin>();

    /// <summary>The declared source with this key, or null.</summary>
    public DirectorySource? Source(ResourceKey key) => Sources.FirstOrDefault(s => s.Key == key);

    /// <summary>The declared source of this qualified name (<c>namespace/name</c>, or a name in the default namespace), or null.</summary>
    public DirectorySource? Source(string qualifiedName) => Sources.FirstOrDefault(s => s.Key.QualifiedName == qualifiedName);

    public ResourceOrigin? OriginOf(Resource resource) =>
        Origins.TryGetValue(resource.Key, out var origin) ? origin : null;

    public IEnumerable<Resource> All =>
        Sources.Cast<Resource>().Concat(Mappings).Concat(QuotaPolicies).Concat(Campaigns);
}
