using System.Security.Cryptography;
using System.Text;
using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>
/// Loads the desired state from a folder of YAML files (recursively, *.yaml and *.yml, hidden folders skipped,
/// links followed once; see <see cref="FolderWalk"/>), reporting every problem of every file at once as
/// <c>file:line:column: path: message</c>. Hostile input is bounded by <see cref="YamlLimits"/>.
/// </summary>
public sealed class FolderLoader
{
    public LoadResult Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return Failed(directory, File.Exists(directory)
                ? "is a file, not a folder: give the folder that holds the YAML files"
                : "folder does not exist");
        }
        // The kinds' schemas and the resources' JSON metadata are built on another core while the files are read
        // and parsed: made once per process, they were most of a command's start.
        ResourceDecoder.WarmUp();
        var listing = FolderWalk.List(directory);
        if (!listing.Complete) return Failed(directory, listing.Errors);
        if (listing.Files.Count == 0 && listing.Errors.Count == 0) return Failed(directory, "folder contains no .yaml or .yml files");

        var findings = new Findings();
        foreach (var error in listing.Errors) findings.Add(error);
        var unreadable = new List<string>(listing.Unknown);
        var documents = new List<ConfigDocument>();
        var contents = new List<(string Relative, byte[] Bytes)>();
        var nodesLeft = YamlLimits.MaxNodesPerFolder;
        foreach (var file in listing.Files)
        {
            var read = Read(file, contents, ref nodesLeft);
            if (read.Error is not null)
            {
                findings.Add(read.Error);
                unreadable.Add(file.Shown);
                continue;
            }
            documents.AddRange(read.Documents.Select(d => new ConfigDocument(file.Shown, file.FullPath, d)));
        }
        foreach (var document in documents) ResourceDecoder.Decode(document, findings);

        var config = new LoadedConfig(documents, everyFileParsed: unreadable.Count == 0);
        NameChecks.Check(config, findings);
        SourceChecks.Check(config, findings);
        MappingChecks.Check(config, findings);
        PolicyChecks.Check(config, findings);
        CampaignChecks.Check(config, findings);

        var errors = findings.Errors
            .OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column)
            .ToList();
        var broken = errors.Where(e => e.Resource is not null).Select(e => e.Resource!.Value).ToHashSet();
        // A document that cannot be told by its key declares something unknown, as an unreadable file does.
        unreadable.AddRange(documents.Where(d => d.Key is null).Select(d => d.File));
        var healthy = documents.Where(d => d.Resource is not null && d.Key is { } key && !broken.Contains(key)).ToList();
        var partial = State(healthy, Revision(contents)) with { Location = directory };
        var valid = errors.Count == 0 && healthy.Count == documents.Count;
        return new LoadResult(valid ? partial : null, errors)
        {
            Partial = partial,
            Broken = broken,
            BrokenSourceRefs = SourceRefs(documents, broken),
            UnreadableFiles = unreadable.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>
    /// The source each broken mapping names, when that much of it is readable: a source whose mapping is broken is
    /// held, and this tells which source that is.
    /// </summary>
    private static Dictionary<ResourceKey, string> SourceRefs(IEnumerable<ConfigDocument> documents, IReadOnlySet<ResourceKey> broken)
    {
        var refs = new Dictionary<ResourceKey, string>();
        foreach (var document in documents)
        {
            if (document.Key is not { Kind: ProvisioningMapping.KindName } key || !broken.Contains(key)) continue;
            if (document.Root["spec"]?["sourceRef"]?["name"] is System.Text.Json.Nodes.JsonValue name && name.TryGetValue<string>(out var text))
            {
                refs[key] = text;
            }
        }
        return refs;
    }

    private static LoadResult Failed(string directory, string message) => Failed(directory, [ConfigError.Unlocated(directory, message)]);

    /// <summary>Nothing of the folder could be read: everything it may declare is unknown.</summary>
    private static LoadResult Failed(string directory, IReadOnlyList<ConfigError> errors) =>
        new(null, errors) { Partial = new DesiredState { Location = directory }, UnreadableFiles = [directory] };

    private sealed record FileRead(IReadOnlyList<YamlJsonDocument> Documents, ConfigError? Error);

    /// <summary>Reads one file within the size limit and the folder's remaining node budget.</summary>
    private static FileRead Read(ConfigFile file, List<(string Relative, byte[] Bytes)> contents, ref int nodesLeft)
    {
        byte[] bytes;
        try
        {
            bytes = ReadAtMost(file.FullPath, YamlLimits.MaxFileBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new([], ConfigError.Unlocated(file.Shown, "cannot be read: " + e.Message));
        }
        if (bytes.Length > YamlLimits.MaxFileBytes)
            return new([], ConfigError.Unlocated(file.Shown, $"file is larger than {YamlLimits.FileSizeLimit}, the most one YAML file may be; split it into several files"));
        contents.Add((file.Relative, bytes));
        var read = YamlJsonReader.Read(Decode(bytes), nodesLeft);
        if (read.Error is not null)
            return new([], new ConfigError(file.Shown, read.ErrorAt.Line, read.ErrorAt.Column, ConfigError.FileLevel, read.Error));
        nodesLeft -= read.Nodes;
        return new(read.Documents, null);
    }

    /// <summary>The file's bytes, or its first <paramref name="limit"/> + 1 bytes when it is longer (or never ends, like /dev/zero).</summary>
    private static byte[] ReadAtMost(string path, int limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var memory = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, limit + 1L) : 0);
        var chunk = new byte[16 * 1024];
        int read;
        while (memory.Length <= limit && (read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1L - memory.Length))) > 0)
            memory.Write(chunk, 0, read);
        return memory.ToArray();
    }

    private static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static DesiredState State(IReadOnlyList<ConfigDocument> documents, string revision)
    {
        var origins = new Dictionary<ResourceKey, ResourceOrigin>();
        foreach (var document in documents)
            origins.TryAdd(document.Resource!.Key, new ResourceOrigin(document.FullPath, document.Start.Line, document.Start.Column));
        return new DesiredState
        {
            Sources = Sorted<DirectorySource>(documents),
            Mappings = Sorted<ProvisioningMapping>(documents),
            QuotaPolicies = Sorted<StorageQuotaPolicy>(documents),
            Campaigns = Sorted<DeploymentCampaign>(documents),
            Revision = revision,
            Origins = origins,
        };
    }

    private static List<T> Sorted<T>(IEnumerable<ConfigDocument> documents) where T : Resource =>
        documents.Select(d => d.Resource).OfType<T>()
            .OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();

    /// <summary>First 12 hex digits of SHA-256 over every YAML file's relative path and content, in path order.</summary>
    private static string Revision(IEnumerable<(string Relative, byte[] Bytes)> contents)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (relative, bytes) in contents.OrderBy(c => c.Relative, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{relative}\0{bytes.Length}\0"));
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
