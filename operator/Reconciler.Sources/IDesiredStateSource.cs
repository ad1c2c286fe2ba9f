using Reconciler.Core.Resources;

namespace Reconciler.Sources;

/// <summary>
/// Where desired state comes from: a folder of YAML today, a git repository and the Kubernetes API next. The engine
/// loads it, reconciles what is valid, and waits for it to change; it never reads files or APIs itself.
/// </summary>
public interface IDesiredStateSource : IDisposable
{
    /// <summary>Where the configuration is read from, as the user named it (a folder, a git URL, a cluster).</summary>
    string Location { get; }

    /// <summary>The latest desired state. Bad content never throws: it comes back as errors of the resources it is in.</summary>
    Task<DesiredSnapshot> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Completes when something the configuration consists of or refers to may have changed (bursts collapse into
    /// one wake-up). Returns the full paths of changed files when known, empty when anything may have changed.
    /// </summary>
    Task<IReadOnlyCollection<string>> WaitForChangeAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One load of the desired state, valid per object: a broken resource holds itself and what depends on it, and
/// the rest is reconciled.
/// </summary>
public sealed record DesiredSnapshot
{
    /// <summary>Every resource that is valid on its own, with the revision and location of the whole.</summary>
    public required DesiredState Valid { get; init; }

    /// <summary>Resources whose documents have errors, with those errors as the user reads them.</summary>
    public IReadOnlyDictionary<ResourceKey, IReadOnlyList<string>> Broken { get; init; } = new Dictionary<ResourceKey, IReadOnlyList<string>>();

    /// <summary>For broken mappings: the source they name, when that much of them can be read.</summary>
    public IReadOnlyDictionary<ResourceKey, string> BrokenSourceRefs { get; init; } = new Dictionary<ResourceKey, string>();

    /// <summary>Every error, in file order, as `validate` prints them.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>
    /// Files that could not be read or parsed at all: what they declare is unknown, so no source can be trusted not
    /// to depend on them and every source is held until they are fixed.
    /// </summary>
    public IReadOnlyList<string> UnreadableFiles { get; init; } = [];

    /// <summary>Files the resources refer to (CSV exports, secret files), whose changes should wake their resources.</summary>
    public IReadOnlyList<string> ReferencedFiles { get; init; } = [];

    public bool IsValid => Errors.Count == 0;
}
