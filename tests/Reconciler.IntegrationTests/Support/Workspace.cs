using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Reconciler.IntegrationTests.Support;

/// <summary>
/// A fresh temp folder a user works in: <c>config/</c> (a copy of config-samples to edit) and <c>state.db</c>.
/// Commands run with this folder as the working directory and relative paths, as typed in a shell.
/// </summary>
public sealed class Workspace : IDisposable
{
    public const string ConfigDir = "config";
    public const string StoreFile = "state.db";

    private Workspace(string root) => Root = root;

    public string Root { get; }

    public string Config => Path.Combine(Root, ConfigDir);

    public string Store => Path.Combine(Root, StoreFile);

    public string UsersCsv => Path.Combine(Config, "users.csv");

    /// <summary>A workspace whose config folder is a copy of config-samples; no store yet.</summary>
    public static Workspace FromSamples()
    {
        var workspace = Empty();
        CopyDirectory(Repo.ConfigSamples, workspace.Config);
        return workspace;
    }

    public static Workspace Empty()
    {
        var root = Path.Combine(Path.GetTempPath(), "reconciler-it-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        return new Workspace(root);
    }

    /// <summary>A copy of this workspace (config and store), so a prepared state can be reused by many tests.</summary>
    public Workspace Clone()
    {
        var copy = Empty();
        CopyDirectory(Root, copy.Root);
        return copy;
    }

    public Task<CliResult> Run(params string[] args) => Cli.RunAsync(Root, args);

    public Task<CliResult> Plan(bool json = true) =>
        json ? Run("plan", "--config", ConfigDir, "--store", StoreFile, "--output", "json")
             : Run("plan", "--config", ConfigDir, "--store", StoreFile);

    public Task<CliResult> Apply(params string[] extra) =>
        Run(["apply", "--config", ConfigDir, "--store", StoreFile, .. extra]);

    /// <summary>Applies and insists it worked: the starting point of most scenarios.</summary>
    public async Task<CliResult> ApplyOk(params string[] extra)
    {
        var result = await Apply(extra);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>`users list --output json` (optionally `--state`), as parsed JSON items.</summary>
    public async Task<List<JsonElement>> Users(string? state = null)
    {
        var args = new List<string> { "users", "list", "--store", StoreFile, "--output", "json" };
        if (state is not null) args.AddRange(["--state", state]);
        var result = await Run([.. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var root = ParseJson(result);
        Assert.True(root.ValueKind == JsonValueKind.Array, "users list --output json is not an array:\n" + result);
        return root.EnumerateArray().ToList();
    }

    public static JsonElement ParseJson(CliResult result)
    {
        try
        {
            using var document = JsonDocument.Parse(result.Stdout);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not JSON ({e.Message}):\n{result}");
        }
    }

    // ---- editing the user's files ----

    public string[] CsvLines() => File.ReadAllLines(UsersCsv);

    public void WriteCsv(IEnumerable<string> lines) => File.WriteAllText(UsersCsv, string.Join('\n', lines) + "\n");

    /// <summary>Removes the row of this directory id and returns it, so it can be put back.</summary>
    public string RemoveRow(string id)
    {
        var lines = CsvLines().ToList();
        var index = lines.FindIndex(l => l.StartsWith(id + ",", StringComparison.Ordinal));
        Assert.True(index > 0, $"no row {id} in users.csv");
        var row = lines[index];
        lines.RemoveAt(index);
        WriteCsv(lines);
        return row;
    }

    public void AppendRow(string row) => WriteCsv(CsvLines().Append(row));

    /// <summary>Replaces one exact piece of text in a config file; fails when the text is not there exactly once.</summary>
    public void Edit(string fileName, string find, string replace)
    {
        var path = Path.Combine(Config, fileName);
        var text = File.ReadAllText(path).Replace("\r\n", "\n");
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(find, at + 1, StringComparison.Ordinal) < 0, $"'{find}' is not in {fileName} exactly once");
        File.WriteAllText(path, text[..at] + replace + text[(at + find.Length)..]);
    }

    public void Write(string fileName, string text) => File.WriteAllText(Path.Combine(Config, fileName), text);

    /// <summary>1-based line of the first line of a config file containing the text.</summary>
    public int LineOf(string fileName, string text)
    {
        var lines = File.ReadAllLines(Path.Combine(Config, fileName));
        var index = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{text}' is not in {fileName}");
        return index + 1;
    }

    /// <summary>
    /// SHA-256 of the store file and of its -wal when present: equal fingerprints mean nothing was written.
    /// An empty -wal holds no frames (SQLite reads the database exactly as without it), so it counts as absent:
    /// a read-only open of a WAL database leaves one behind.
    /// </summary>
    public string StoreFingerprint()
    {
        var parts = new StringBuilder();
        foreach (var file in new[] { Store, Store + "-wal" })
        {
            if (!File.Exists(file) || (file.EndsWith("-wal", StringComparison.Ordinal) && new FileInfo(file).Length == 0)) continue;
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            parts.Append(Path.GetFileName(file)).Append('=').Append(Convert.ToHexString(SHA256.HashData(stream))).Append(' ');
        }
        return parts.ToString();
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
