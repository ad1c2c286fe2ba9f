using System.Security.Cryptography;
using System.Text;
using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>
/// Loads the desired state from a folder of YAML files (recursively, *.yaml and *.yml, hidden folders skipped),
/// reporting every problem of every file at once as <c>file:line:column: path: message</c>.
/// </summary>
public sealed class FolderLoader
{
    public LoadResult Load(string directory)
    {
        if (!Directory.Exists(directory))
            return Failed(ConfigError.Unlocated(directory, "folder does not exist"));
        var files = YamlFiles(directory);
        if (files.Count == 0)
            return Failed(ConfigError.Unlocated(directory, "folder contains no .yaml or .yml files"));

        var findings = new Findings();
        var documents = new List<ConfigDocument>();
        var contents = new List<(string Relative, byte[] Bytes)>();
        var everyFileParsed = true;
        foreach (var relative in files)
        {
            var shown = Path.Join(directory, relative);
            var fullPath = Path.GetFullPath(shown);
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(fullPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                findings.Add(ConfigError.Unlocated(shown, "cannot be read: " + e.Message));
                everyFileParsed = false;
                continue;
            }
            contents.Add((relative.Replace(Path.DirectorySeparatorChar, '/'), bytes));
            var read = YamlJsonReader.Read(Decode(bytes));
            if (read.Error is not null)
            {
                findings.Add(new ConfigError(shown, read.ErrorAt.Line, read.ErrorAt.Column, ConfigError.FileLevel, read.Error));
                everyFileParsed = false;
                continue;
            }
            documents.AddRange(read.Documents.Select(d => new ConfigDocument(shown, fullPath, d)));
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

    private static List<string> YamlFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Select(path => Path.GetRelativePath(directory, path))
            .Where(relative => !relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Where(relative => relative.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || relative.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static DesiredState State(LoadedConfig config, string revision)
    {
        var origins = config.Documents.ToDictionary(
            d => DesiredState.Key(d.Resource!.Kind, d.Resource.Name),
            d => new ResourceOrigin(d.FullPath, d.Start.Line, d.Start.Column));
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
        config.All<T>().Select(r => r.Resource).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();

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
