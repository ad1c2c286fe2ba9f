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
        if (!Directory.Exists(directory)) return Failed(ConfigError.Unlocated(directory, "folder does not exist"));
        var listing = FolderWalk.List(directory);
        if (!listing.Complete) return new LoadResult(null, listing.Errors);
        if (listing.Files.Count == 0 && listing.Errors.Count == 0)
            return Failed(ConfigError.Unlocated(directory, "folder contains no .yaml or .yml files"));

        var findings = new Findings();
        foreach (var error in listing.Errors) findings.Add(error);
        var documents = new List<ConfigDocument>();
        var contents = new List<(string Relative, byte[] Bytes)>();
        var everyFileParsed = listing.Unknown.Count == 0;
        var nodesLeft = YamlLimits.MaxNodesPerFolder;
        foreach (var file in listing.Files)
        {
            var read = Read(file, contents, ref nodesLeft);
            if (read.Error is not null)
            {
                findings.Add(read.Error);
                everyFileParsed = false;
                continue;
            }
            documents.AddRange(read.Documents.Select(d => new ConfigDocument(file.Shown, file.FullPath, d)));
        }
        foreach (var document in documents) ResourceDecoder.Decode(document, findings);

        var config = new LoadedConfig(documents, everyFileParsed);
        NameChecks.Check(config, findings);
        SourceChecks.Check(config, findings);
        MappingChecks.Check(config, findings);
        PolicyChecks.Check(config, findings);
        CampaignChecks.Check(config, findings);

        var errors = findings.Errors
            .OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column)
            .ToList();
        if (errors.Count > 0 || documents.Any(d => d.Resource is null)) return new LoadResult(null, errors);
        return new LoadResult(State(config, Revision(contents)) with { Location = directory }, errors);
    }

    private static LoadResult Failed(ConfigError error) => new(null, [error]);

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

    private static DesiredState State(LoadedConfig config, string revision)
    {
        var origins = config.Documents.ToDictionary(d => d.Resource!.Key, d => new ResourceOrigin(d.FullPath, d.Start.Line, d.Start.Column));
        return new DesiredState
        {
            Sources = Sorted<DirectorySource>(config),
            Mappings = Sorted<ProvisioningMapping>(config),
            QuotaPolicies = Sorted<StorageQuotaPolicy>(config),
            Campaigns = Sorted<DeploymentCampaign>(config),
            Revision = revision,
            Origins = origins,
        };
    }

    private static List<T> Sorted<T>(LoadedConfig config) where T : Resource =>
        config.All<T>().Select(r => r.Resource)
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
