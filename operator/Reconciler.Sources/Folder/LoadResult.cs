using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>The desired state of a folder, or every problem found in it. <see cref="State"/> is null when there is any error.</summary>
public sealed record LoadResult(DesiredState? State, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => State is not null;
}
