using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>Desired state from a folder of YAML files, watched for changes (with the files its resources refer to).</summary>
public sealed class FolderDesiredState(string directory) : IDesiredStateSource
{
    private FolderWatcher? _watcher;

    public string Location => directory;

    public Task<DesiredSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var snapshot = Load(directory);
        if (_watcher is null && Directory.Exists(directory)) _watcher = new FolderWatcher(directory);
        _watcher?.WatchFiles(snapshot.ReferencedFiles);
        return Task.FromResult(snapshot);
    }

    public async Task<IReadOnlyCollection<string>> WaitForChangeAsync(CancellationToken cancellationToken)
    {
        if (_watcher is null)
        {
            // The folder does not exist yet: look again now and then.
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            return [];
        }
        return await _watcher.WaitAsync(cancellationToken);
    }

    /// <summary>Loads the folder once, valid per object.</summary>
    public static DesiredSnapshot Load(string directory)
    {
        var result = new FolderLoader().Load(directory);
        var errors = result.Errors.Select(e => e.ToString()).ToList();
        return new DesiredSnapshot
        {
            Valid = result.State ?? result.Partial,
            Broken = result.Broken.ToDictionary(
                key => key,
                key => (IReadOnlyList<string>)result.Errors.Where(e => e.Resource == key).Select(e => e.ToString()).ToList()),
            BrokenSourceRefs = result.BrokenSourceRefs,
            Errors = errors,
            UnreadableFiles = result.UnreadableFiles,
            ReferencedFiles = ReferencedFiles(result.State ?? result.Partial),
        };
    }

    /// <summary>The data and secret files the resources name, as full paths.</summary>
    public static IReadOnlyList<string> ReferencedFiles(DesiredState desired)
    {
        var files = new List<string>();
        foreach (var source in desired.Sources)
        {
            if (desired.OriginOf(source) is not { } origin) continue;
            var folder = Path.GetDirectoryName(Path.GetFullPath(origin.File))!;
            if (source.Spec.Csv?.Path is { } csv) files.Add(Path.GetFullPath(Path.Combine(folder, csv)));
            foreach (var secret in new[] { source.Spec.Ldap?.BindPassword, source.Spec.AzureAD?.ClientSecret, source.Spec.GoogleWorkspace?.ServiceAccountKey })
            {
                if (secret?.File is { } file) files.Add(Path.GetFullPath(Path.Combine(folder, file)));
            }
        }
        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    public void Dispose() => _watcher?.Dispose();
}
