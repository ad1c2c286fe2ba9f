namespace Reconciler.Sources.Folder;

/// <summary>
/// One problem in the desired state, where the user can fix it. <see cref="Path"/> is a field path such as
/// <c>spec.filter.attributes[0].operator</c>, <c>(file)</c> for problems of a whole file, or the kind for a whole document.
/// Line and column are 1-based; 0 when the problem has no place in a file (a missing folder).
/// </summary>
public sealed record ConfigError(string File, int Line, int Column, string Path, string Message)
{
    public const string FileLevel = "(file)";

    public override string ToString() => $"{File}:{Line}:{Column}: {Path}: {Message}";
}
