namespace Reconciler.Cli.Engine;

/// <summary>
/// Wakes the run loop when a file in the configuration folder (or a folder a source reads from) changes.
/// Bursts of events (an editor's save, a git checkout) collapse into one wake-up.
/// </summary>
public sealed class ConfigWatcher : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly string _root;

    public ConfigWatcher(string root)
    {
        _root = Path.GetFullPath(root);
        Add(_root, recursive: true);
    }

    /// <summary>Also watches the folders of these files when they lie outside the configuration folder.</summary>
    public void WatchFiles(IEnumerable<string> files)
    {
        foreach (var folder in files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct())
        {
            var inside = folder == _root || folder.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (!inside && Directory.Exists(folder)) Add(folder, recursive: false);
        }
    }

    /// <summary>Returns true when something changed, false when the timeout passed first.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!await _changed.WaitAsync(timeout, cancellationToken)) return false;
        await Task.Delay(Debounce, cancellationToken);
        while (_changed.CurrentCount > 0) await _changed.WaitAsync(cancellationToken);
        return true;
    }

    private void Add(string folder, bool recursive)
    {
        if (_watchers.ContainsKey(folder) || !Directory.Exists(folder)) return;
        var watcher = new FileSystemWatcher(folder)
        {
            IncludeSubdirectories = recursive,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        FileSystemEventHandler signal = (_, _) => _changed.Release();
        watcher.Changed += signal;
        watcher.Created += signal;
        watcher.Deleted += signal;
        watcher.Renamed += (_, _) => _changed.Release();
        watcher.EnableRaisingEvents = true;
        _watchers[folder] = watcher;
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers.Values) watcher.Dispose();
        _changed.Dispose();
    }
}
