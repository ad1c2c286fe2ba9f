using System.Text.Json.Nodes;
using Reconciler.Core.Resources;
using Reconciler.Sources.Schema;

namespace Reconciler.Sources.Folder;

/// <summary>One YAML document of the folder: where it is, what it says, and the resource it declares once it is valid.</summary>
internal sealed class ConfigDocument(string file, string fullPath, YamlJsonDocument yaml)
{
    /// <summary>The path shown to users: the folder they gave joined with the file's relative path.</summary>
    public string File { get; } = file;

    public string FullPath { get; } = fullPath;

    public JsonNode Root { get; } = yaml.Root;

    public Position Start { get; } = yaml.Start;

    public ResourceKind? Kind { get; set; }

    /// <summary>metadata.name when it is a non-empty string, even if the document is otherwise invalid.</summary>
    public string? Name { get; set; }

    /// <summary>metadata.namespace as written, when it is a string; null when it is not given.</summary>
    public string? WrittenNamespace { get; set; }

    /// <summary>False when metadata.namespace is given but is not a string: then the resource's key is unknown.</summary>
    public bool NamespaceKnown { get; set; } = true;

    /// <summary>The namespace the resource lives in: as written, or "default".</summary>
    public string Namespace => string.IsNullOrEmpty(WrittenNamespace) ? ResourceKey.DefaultNamespace : WrittenNamespace;

    /// <summary>Kind, namespace and name, once all three are known (even if the document is otherwise invalid).</summary>
    public ResourceKey? Key => Kind is not null && Name is not null && NamespaceKnown ? new ResourceKey(Kind.Kind, Namespace, Name) : null;

    /// <summary>
    /// The typed resource. When the document failed the schema, it is decoded without the fields that failed
    /// (<see cref="Broken"/>), so the other checks still run on the rest and every error is reported at once.
    /// </summary>
    public Resource? Resource { get; set; }

    /// <summary>JSON pointers of the fields the schema refused; nothing else is reported at, above or below them.</summary>
    public IReadOnlySet<string> Broken { get; set; } = new HashSet<string>();

    public bool PassedSchema => Broken.Count == 0;

    /// <summary>Whether a field path touches a field the schema already refused (the same, inside it or containing it).</summary>
    public bool IsBroken(string path)
    {
        if (Broken.Count == 0) return false;
        var pointer = FieldPath.ToPointer(path);
        return Broken.Any(b => FieldPath.Overlap(b, pointer));
    }

    /// <summary>An error at a field path of this document, e.g. <c>spec.rollout.waves[1].percent</c>.</summary>
    public ConfigError ErrorAt(string path, string message, bool atKey = false) =>
        ErrorAtPointer(FieldPath.ToPointer(path), path, message, atKey);

    public ConfigError ErrorAtPointer(string pointer, string? path, string message, bool atKey)
    {
        var position = yaml.Map.Locate(pointer, atKey);
        path ??= yaml.Map.PathOf(pointer);
        return new ConfigError(File, position.Line, position.Column, path.Length == 0 ? Kind?.Kind ?? ConfigError.FileLevel : path, message, Key);
    }

    /// <summary>Where a field is, as "file:line:column", for messages that point at another document.</summary>
    public string Where(string path)
    {
        var position = yaml.Map.Locate(FieldPath.ToPointer(path), atKey: false);
        return $"{File}:{position.Line}:{position.Column}";
    }

    /// <summary>A path written in this document, relative to its file: as shown to users, and as a full path.</summary>
    public (string Shown, string Full) Resolve(string relative) =>
        (Path.Combine(Path.GetDirectoryName(File) ?? "", relative), Path.GetFullPath(Path.Combine(Path.GetDirectoryName(FullPath) ?? "", relative)));
}
