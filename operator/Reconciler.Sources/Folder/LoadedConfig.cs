using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>All documents of a folder in file order, with lookups for checks that span resources.</summary>
internal sealed class LoadedConfig(IReadOnlyList<ConfigDocument> documents, bool everyFileParsed)
{
    public IReadOnlyList<ConfigDocument> Documents { get; } = documents;

    /// <summary>
    /// False when a file could not be parsed: what it declares is unknown, so a reference that finds no target is
    /// not reported (it may point into that file) — the parse error is.
    /// </summary>
    public bool EveryFileParsed { get; } = everyFileParsed;

    /// <summary>Valid resources of one kind, with their documents, in file order.</summary>
    public IEnumerable<(ConfigDocument Document, T Resource)> All<T>() where T : Resource =>
        Documents.Where(d => d.Resource is T).Select(d => (d, (T)d.Resource!));

    /// <summary>The first valid resource of a kind with this name.</summary>
    public T? Find<T>(string name) where T : Resource =>
        All<T>().Select(r => r.Resource).FirstOrDefault(r => r.Name == name);

    /// <summary>Names declared for a kind by any document, valid or not, so one broken file does not make references to it dangle.</summary>
    public IReadOnlyCollection<string> NamesOf(string kind) =>
        Documents.Where(d => d.Kind?.Kind == kind && d.Name is not null).Select(d => d.Name!).Distinct().ToList();
}
