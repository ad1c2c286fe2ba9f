using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>
/// The desired state of a folder, and every problem found in it.
/// <para><see cref="State"/> is everything, and null when there is any error: validate, plan and apply stay strict.</para>
/// <para>For reconciling each resource on its own: <see cref="Partial"/> holds every resource whose own document
/// has no error (same <see cref="DesiredState.Revision"/> and <see cref="DesiredState.Location"/> as State would
/// have); <see cref="Broken"/> the keys of resources declared with errors; <see cref="UnreadableFiles"/> the files
/// (or folders) whose declarations are unknown: not readable, not YAML, over a limit, or a document whose kind,
/// name or namespace cannot be told. A resource in Partial may reference one in Broken (a dependency that is not
/// ready), and, while UnreadableFiles is not empty, one that may be declared there; a resource that is in
/// neither Partial nor Broken is only known to be gone when UnreadableFiles is empty.</para>
/// </summary>
public sealed record LoadResult(DesiredState? State, IReadOnlyList<ConfigError> Errors)
{
    public DesiredState Partial { get; init; } = new();

    public IReadOnlySet<ResourceKey> Broken { get; init; } = new HashSet<ResourceKey>();

    public IReadOnlyList<string> UnreadableFiles { get; init; } = [];

    /// <summary>For broken mappings whose sourceRef is still readable: the source they name (in their namespace).</summary>
    public IReadOnlyDictionary<ResourceKey, string> BrokenSourceRefs { get; init; } = new Dictionary<ResourceKey, string>();

    public bool IsValid => State is not null;
}
