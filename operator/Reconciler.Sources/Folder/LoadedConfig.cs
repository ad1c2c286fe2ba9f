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

    /// <summary>The first valid resource with this key.</summary>
    public T? Find<T>(ResourceKey key) where T : Resource =>
        All<T>().Select(r => r.Resource).FirstOrDefault(r => r.Key == key);

    /// <summary>
    /// Names declared for a kind in a namespace by any document, valid or not, so one broken file does not make
    /// references to it dangle.
    /// </summary>
    public IReadOnlyCollection<string> NamesOf(string kind, string @namespace) =>
        Documents.Where(d => d.Key is { } key && key.Kind == kind && key.Namespace == @namespace).Select(d => d.Name!).Distinct().ToList();

    /// <summary>The namespaces that declare a resource of this kind and name, in order.</summary>
    public IReadOnlyList<string> NamespacesDeclaring(string kind, string name) =>
        Documents.Where(d => d.Key is { } key && key.Kind == kind && key.Name == name).Select(d => d.Namespace)
            .Distinct().Order(StringComparer.Ordinal).ToList();
}
