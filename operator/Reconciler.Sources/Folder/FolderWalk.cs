using System.Globalization;

namespace Reconciler.Sources.Folder;

/// <summary>One YAML file of a configuration folder: its path relative to the folder, as shown to users, and in full.</summary>
internal sealed record ConfigFile(string Relative, string Shown, string FullPath);

/// <summary>
/// The YAML files found under a folder, the problems met on the way, and the paths whose contents are unknown
/// (a folder that cannot be listed, a link to nothing). <see cref="Complete"/> is false when a limit stopped the walk.
/// </summary>
internal sealed record FolderListing(IReadOnlyList<ConfigFile> Files, IReadOnlyList<ConfigError> Errors, IReadOnlyList<string> Unknown, bool Complete);

/// <summary>
/// Lists the *.yaml and *.yml files under a folder, hidden files and folders (.git, .github) skipped. Symbolic
/// links to folders and files are followed, but no real folder is entered twice and no real file listed twice
/// (compared by <see cref="RealPath"/>), so a link back up the tree is harmless. The walk is iterative and
/// stops at <see cref="MaxFiles"/> files or <see cref="MaxFolders"/> folders (a link to / would otherwise walk the disk).
/// </summary>
internal static class FolderWalk
{
    public const int MaxFiles = 10_000;
    public const int MaxFolders = 10_000;

    public static FolderListing List(string directory, int maxFiles = MaxFiles, int maxFolders = MaxFolders)
    {
        var files = new List<ConfigFile>();
        var errors = new List<ConfigError>();
        var unknown = new List<string>();
        var seenFolders = new HashSet<string>(RealPath.Comparer);
        var seenFiles = new HashSet<string>(RealPath.Comparer);
        try
        {
            seenFolders.Add(RealPath.Of(directory));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Stopped(directory, "folder cannot be read: " + e.Message);
        }

        var pending = new Stack<string>();
        pending.Push("");
        while (pending.TryPop(out var folder))
        {
            var shownFolder = folder.Length == 0 ? directory : Path.Join(directory, folder);
            List<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(shownFolder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(ConfigError.Unlocated(shownFolder, "folder cannot be read: " + e.Message));
                unknown.Add(shownFolder);
                continue;
            }
            var subfolders = new List<string>();
            foreach (var entry in entries.Where(e => !e.Name.StartsWith('.')))
            {
                var relative = Path.Join(folder, entry.Name);
                var shown = Path.Join(directory, relative);
                try
                {
                    if (Directory.Exists(shown))
                    {
                        if (!seenFolders.Add(RealPath.Of(shown))) continue;
                        if (seenFolders.Count > maxFolders) return Stopped(directory, $"more than {Count(maxFolders)} folders; does a symbolic link point at a large tree?");
                        subfolders.Add(relative);
                    }
                    else if (IsYaml(entry.Name))
                    {
                        if (IsDangling(entry))
                        {
                            errors.Add(ConfigError.Unlocated(shown, $"cannot be read: it is a symbolic link to '{entry.LinkTarget}', which does not exist"));
                            unknown.Add(shown);
                            continue;
                        }
                        if (!seenFiles.Add(RealPath.Of(shown))) continue;
                        if (seenFiles.Count > maxFiles) return Stopped(directory, $"more than {Count(maxFiles)} .yaml and .yml files; a configuration needs far fewer");
                        files.Add(new ConfigFile(relative.Replace(Path.DirectorySeparatorChar, '/'), shown, Path.GetFullPath(shown)));
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors.Add(ConfigError.Unlocated(shown, "cannot be read: " + e.Message));
                    unknown.Add(shown);
                }
            }
            for (var i = subfolders.Count - 1; i >= 0; i--) pending.Push(subfolders[i]);
        }
        return new FolderListing(files.OrderBy(f => f.Relative, StringComparer.Ordinal).ToList(), errors, unknown, Complete: true);
    }

    private static FolderListing Stopped(string directory, string message) =>
        new([], [ConfigError.Unlocated(directory, message)], [directory], Complete: false);

    /// <summary>A link whose target does not exist (File.Exists is true for it on Unix: it sees the link itself).</summary>
    private static bool IsDangling(FileSystemInfo entry) =>
        entry.LinkTarget is not null && entry.ResolveLinkTarget(returnFinalTarget: true) is { Exists: false };

    private static bool IsYaml(string name) =>
        name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
