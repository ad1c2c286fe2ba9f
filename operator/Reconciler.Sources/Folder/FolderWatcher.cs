using System.Collections.Concurrent;

namespace Reconciler.Sources.Folder;

/// <summary>
/// Watches a configuration folder (recursively) and the folders of files the configuration refers to, and reports
/// which paths changed. Bursts of events (an editor's save, a git checkout) collapse into one wake-up.
/// </summary>
public sealed class FolderWatcher : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _changed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Lock _lock = new();
    private readonly string _root;
    private volatile bool _overflowed;

    public FolderWatcher(string root)
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

    /// <summary>
    /// Waits for a change and returns the full paths that changed; empty when the watcher lost track (too many
    /// events), which means anything may have changed.
    /// </summary>
    public async Task<IReadOnlyCollection<string>> WaitAsync(CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(cancellationToken);
        await Task.Delay(Debounce, cancellationToken);
        while (_signal.CurrentCount > 0) await _signal.WaitAsync(cancellationToken);
        var paths = _changed.Keys.ToList();
        _changed.Clear();
        if (_overflowed)
        {
            _overflowed = false;
            return [];
        }
        return paths;
    }

    private void Add(string folder, bool recursive)
    {
        lock (_lock)
        {
            if (_watchers.ContainsKey(folder) || !Directory.Exists(folder)) return;
            var watcher = new FileSystemWatcher(folder)
            {
                IncludeSubdirectories = recursive,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Changed += (_, e) => Signal(e.FullPath);
            watcher.Created += (_, e) => Signal(e.FullPath);
            watcher.Deleted += (_, e) => Signal(e.FullPath);
            watcher.Renamed += (_, e) =>
            {
                Signal(e.OldFullPath);
                Signal(e.FullPath);
            };
            watcher.Error += (_, _) =>
            {
                _overflowed = true;
                _signal.Release();
            };
            watcher.EnableRaisingEvents = true;
            _watchers[folder] = watcher;
        }
    }

    private void Signal(string path)
    {
        _changed.TryAdd(path, 0);
        _signal.Release();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers.Values) watcher.Dispose();
            _watchers.Clear();
        }
        _signal.Dispose();
    }
}
