namespace Reconciler.Sources.Folder;

/// <summary>
/// The path of a file or folder with every symbolic link in it resolved, as realpath(3) gives it: two paths
/// name the same thing exactly when their real paths are equal. Links are followed at most 40 times (as Linux
/// does), so a loop of links is an error rather than a hang.
/// </summary>
internal static class RealPath
{
    private const int MaxLinks = 40;

    /// <summary>How real paths compare: by case only where the file system usually ignores it.</summary>
    public static readonly StringComparer Comparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static readonly char[] Separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];

    /// <exception cref="IOException">A link cannot be read, or links are nested too deep (a loop).</exception>
    public static string Of(string path)
    {
        var absolute = Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path);
        var current = Path.GetPathRoot(absolute)!;
        var pending = new Stack<string>();
        PushParts(pending, absolute[current.Length..]);
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                // current has no links left in it, so its parent is the real parent.
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"too many levels of symbolic links at '{next}'");
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
            PushParts(pending, Path.IsPathRooted(target) ? target[current.Length..] : target);
        }
        return current;
    }

    /// <summary>Pushes the parts of a relative path so that the first is popped first.</summary>
    private static void PushParts(Stack<string> pending, string relative)
    {
        var parts = relative.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
    }
}
