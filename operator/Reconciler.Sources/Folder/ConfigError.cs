using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>
/// One problem in the desired state, where the user can fix it. <see cref="Path"/> is a field path such as
/// <c>spec.filter.attributes[0].operator</c>, <c>(file)</c> for problems of a whole file, or the kind for a whole document.
/// Line and column are 1-based; 0 when the problem has no place in a file (a missing folder, a file too large to read).
/// <see cref="Resource"/> is the resource whose document the problem is in, when its kind and name are known.
/// </summary>
public sealed record ConfigError(string File, int Line, int Column, string Path, string Message, ResourceKey? Resource = null)
{
    public const string FileLevel = "(file)";

    /// <summary>A problem of a whole file or folder that has no line in it.</summary>
    public static ConfigError Unlocated(string file, string message) => new(file, 0, 0, FileLevel, message);

    public bool HasPosition => Line > 0;

    /// <summary>
    /// <c>file:line:column: path: message</c>; without a position <c>file: message</c> (or <c>file: path: message</c>
    /// when the path says something), so nothing reads as if it were at line 0.
    /// </summary>
    public override string ToString() =>
        HasPosition ? $"{File}:{Line}:{Column}: {Path}: {Message}"
        : Path == FileLevel || Path.Length == 0 ? $"{File}: {Message}"
        : $"{File}: {Path}: {Message}";
}
