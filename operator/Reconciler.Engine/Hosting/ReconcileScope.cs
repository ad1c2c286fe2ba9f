using System.Collections;
using Reconciler.Core.Resources;

namespace Reconciler.Engine.Hosting;

/// <summary>
/// The log scope one reconcile opens. Structured sinks (JSON console, OpenTelemetry) read it as named values; the
/// plain console formatter writes a scope as its <see cref="ToString"/>, so that reads as a sentence:
/// <c>DirectorySource hr generation 1 revision r1</c>. A dictionary there printed as its .NET type name.
/// </summary>
public sealed record ReconcileScope(ResourceKey Key, long Generation, string Revision) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Kind", Key.Kind),
        1 => new("Resource", Key.QualifiedName),
        2 => new("Generation", Generation),
        3 => new("Revision", Revision),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{Key.Kind} {Key.QualifiedName} generation {Generation} revision {Revision}";
}
