namespace Reconciler.Sources.Folder;

/// <summary>Where each node of one YAML document is, by JSON pointer: its value and, for mapping entries, its key.</summary>
internal sealed class SourceMap
{
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public void Add(string pointer, string path, Position value, Position? key) => entries[pointer] = new(path, value, key);

    /// <summary>The field path users read for a pointer that exists in the document.</summary>
    public string PathOf(string pointer) =>
        entries.TryGetValue(pointer, out var entry) ? entry.Path : string.Join('.', FieldPath.Segments(pointer));

    /// <summary>
    /// The position of a node: its key when <paramref name="atKey"/> and it has one, else its value.
    /// A node that is not in the document is located at the key of its nearest ancestor that is.
    /// </summary>
    public Position Locate(string pointer, bool atKey)
    {
        if (entries.TryGetValue(pointer, out var exact)) return atKey && exact.Key is { } key ? key : exact.Value;
        while (pointer.Length > 0)
        {
            pointer = FieldPath.Parent(pointer);
            if (entries.TryGetValue(pointer, out var ancestor)) return ancestor.Key ?? ancestor.Value;
        }
        return new Position(1, 1);
    }

    public bool Contains(string pointer) => entries.ContainsKey(pointer);

    private sealed record Entry(string Path, Position Value, Position? Key);
}
