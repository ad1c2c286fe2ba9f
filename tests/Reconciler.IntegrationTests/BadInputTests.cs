using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>Bad input gets one clear error, exit 1, and leaves the store exactly as it was.</summary>
public sealed partial class BadInputTests
{
    public static TheoryData<string> Breakages => new()
    {
        "malformed-yaml", "wrong-type", "unknown-field", "missing-csv", "csv-unterminated-quote", "plaintext-secret",
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task Apply_BadInput_FailsClearly_AndLeavesTheStoreUntouched(string breakage)
    {
        using var workspace = await Baseline.CloneAsync();
        var mentions = Break(workspace, breakage);
        var before = workspace.StoreFingerprint();

        var apply = await workspace.Apply();

        Expect.ClearError(apply);
        foreach (var text in mentions) Expect.Mentions(text, apply);
        Assert.Equal(before, workspace.StoreFingerprint());
        Assert.DoesNotContain("hunter2", apply.Output, StringComparison.Ordinal);

        var plan = await workspace.Plan();
        Expect.ClearError(plan);
        Assert.DoesNotContain("hunter2", plan.Output, StringComparison.Ordinal);
        Assert.Equal(before, workspace.StoreFingerprint());

        if (breakage is "malformed-yaml" or "wrong-type" or "unknown-field")
        {
            // one mistake, one error: no cascade of follow-up errors about things that are fine
            Assert.True(apply.StderrLines.Count(l => ConfigErrorLine().IsMatch(l)) == 1, "expected exactly one file:line:column error:\n" + apply);
        }
    }

    /// <summary>Breaks the workspace one way; returns what the error must mention.</summary>
    private static string[] Break(Workspace workspace, string breakage)
    {
        switch (breakage)
        {
            case "malformed-yaml":
                workspace.Edit("mappings.yaml", "  priority: 5\n", "  priority: [5\n");
                return ["mappings.yaml"];
            case "wrong-type":
                workspace.Edit("mappings.yaml", "  priority: 5\n", "  priority: high\n");
                return [$"mappings.yaml:{workspace.LineOf("mappings.yaml", "priority: high")}:", "priority"];
            case "unknown-field":
                workspace.Edit("quota-policies.yaml", "  quota: 1Ti\n", "  quota: 1Ti\n  quotaLimit: 2Ti\n");
                return [$"quota-policies.yaml:{workspace.LineOf("quota-policies.yaml", "quotaLimit")}:", "quotaLimit"];
            case "missing-csv":
                File.Delete(workspace.UsersCsv);
                return ["users.csv"];
            case "csv-unterminated-quote":
                var lines = workspace.CsvLines();
                lines[^1] = lines[^1].Replace("\"ou=people,dc=example,dc=com\"", "\"ou=people,dc=example,dc=com", StringComparison.Ordinal);
                workspace.WriteCsv(lines);
                return ["users.csv"];
            case "plaintext-secret":
                workspace.Edit("sources.yaml", "  type: Csv\n", "  type: Csv\n  ldap:\n    bindPassword: hunter2\n");
                return ["sources.yaml", "bindPassword"];
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }
    }

    [Fact]
    public async Task Validate_PlaintextSecret_IsRejectedWithoutRepeatingIt()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("sources.yaml", "  type: Csv\n", "  type: Csv\n  ldap:\n    bindPassword: hunter2\n");

        var result = await workspace.Run("validate", Workspace.ConfigDir);

        Expect.ClearError(result);
        Expect.StderrLine(result, l => l.Contains($"sources.yaml:{workspace.LineOf("sources.yaml", "bindPassword")}:", StringComparison.Ordinal)
            && l.Contains("bindPassword", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_StoreUnderARegularFile_FailsClearly()
    {
        using var workspace = await Baseline.CloneAsync();
        File.WriteAllText(Path.Combine(workspace.Root, "blocker"), "not a folder\n");
        var before = workspace.StoreFingerprint();

        var apply = await workspace.Run("apply", "--config", Workspace.ConfigDir, "--store", "blocker/state.db");

        Expect.ClearError(apply);
        Expect.Mentions("blocker", apply);
        Assert.Equal("not a folder\n", File.ReadAllText(Path.Combine(workspace.Root, "blocker")));
        Assert.Equal(before, workspace.StoreFingerprint());
    }

    [Fact]
    public async Task Apply_StoreWrittenByANewerVersion_FailsAndSaysNewer()
    {
        using var workspace = await Baseline.CloneAsync();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = workspace.Store, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 999;";
            command.ExecuteNonQuery();
        }
        var before = workspace.StoreFingerprint();

        var apply = await workspace.Apply();
        var plan = await workspace.Plan();
        var users = await workspace.Run("users", "list", "--store", Workspace.StoreFile);

        foreach (var result in new[] { apply, plan, users })
        {
            Expect.ClearError(result);
            Expect.Mentions("newer", result);
        }
        Assert.Equal(before, workspace.StoreFingerprint());
    }

    public static TheoryData<string> Encodings => new() { "utf-8", "utf-16" };

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task Csv_WithByteOrderMark_ReadsTheSameUsers(string encoding)
    {
        using var workspace = await Baseline.CloneAsync();
        var text = File.ReadAllText(workspace.UsersCsv);
        var withBom = encoding == "utf-8" ? new UTF8Encoding(encoderShouldEmitUTF8Identifier: true) : (Encoding)new UnicodeEncoding(bigEndian: false, byteOrderMark: true);
        File.WriteAllText(workspace.UsersCsv, text, withBom);
        var firstBytes = File.ReadAllBytes(workspace.UsersCsv)[..2];
        Assert.True(firstBytes[0] is 0xEF or 0xFF, "the test did not write a BOM");

        var plan = await workspace.Plan();

        Expect.Exit(0, plan);   // the same users as without the BOM: nothing to do
        Assert.Empty(Workspace.ParseJson(plan).GetProperty("changes").EnumerateArray());
    }

    [Fact]
    public async Task FirstApply_OfCsvWithUtf8Bom_CreatesTheSameUsers()
    {
        using var workspace = Workspace.FromSamples();
        File.WriteAllText(workspace.UsersCsv, File.ReadAllText(workspace.UsersCsv), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        await workspace.ApplyOk();

        Assert.Equal(Samples.ExpectedEmails.OrderBy(e => e), (await workspace.Users()).Select(u => Expect.Str(u, "email")).OrderBy(e => e));
    }

    [Fact]
    public async Task PlanJson_OfAnInvalidConfiguration_PrintsTheProblemsAsJson_AndExitsOne()
    {
        using var workspace = await Baseline.CloneAsync();
        workspace.Edit("mappings.yaml", "  priority: 5\n", "  priority: high\n");
        var at = $"mappings.yaml:{workspace.LineOf("mappings.yaml", "priority: high")}:";
        var before = workspace.StoreFingerprint();

        var plan = await workspace.Plan(json: true);

        Expect.Exit(1, plan);
        var problems = Workspace.ParseJson(plan).GetProperty("problems").EnumerateArray().Select(p => Expect.Str(p, "message")).ToList();
        Assert.True(problems.Count == 1 && problems[0].Contains(at, StringComparison.Ordinal) && problems[0].Contains("priority", StringComparison.Ordinal),
            "expected one problem naming the place:\n" + plan);
        Assert.Empty(Workspace.ParseJson(plan).GetProperty("changes").EnumerateArray());
        Assert.Equal(before, workspace.StoreFingerprint());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("1.5")]
    public async Task AuditLimit_ThatIsNotACount_IsOneLineNamingTheOption(string limit)
    {
        using var workspace = await Baseline.CloneAsync();

        var result = await workspace.Run("audit", "--store", Workspace.StoreFile, "--limit", limit);

        Expect.ClearError(result);
        Assert.Equal([$"error: --limit must be a whole number of at least 1, not '{limit}'", "see 'reconciler audit --help'"], result.StderrLines);
        Assert.Empty(result.Stdout);
        Assert.DoesNotContain("System.Int32", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditLimit_TooLargeToHold_MeansTheWholeLog()
    {
        using var workspace = await Baseline.CloneAsync();

        var result = await workspace.Run("audit", "--store", Workspace.StoreFile, "--limit", "99999999999999999999", "--output", "json");

        Expect.Exit(0, result);
        Assert.Equal(Samples.Created, Workspace.ParseJson(result).GetArrayLength());   // one create each
    }

    /// <summary>
    /// A store edited by hand so that a row no longer reads: an error nobody translated into words. The user sees one
    /// line and exit 1; --debug adds the stack trace. (When this case gets its own message, pick another such store.)
    /// </summary>
    [Fact]
    public async Task UnexpectedError_IsOneLine_AndTheStackTraceOnlyWithDebug()
    {
        using var workspace = await Baseline.CloneAsync();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = workspace.Store, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE users SET created_at = 'yesterday';";
            command.ExecuteNonQuery();
        }

        var plain = await workspace.Run("users", "list", "--store", Workspace.StoreFile, "--output", "json");
        var debug = await workspace.Run("users", "list", "--store", Workspace.StoreFile, "--output", "json", "--debug");

        Expect.ClearError(plain);
        Assert.Single(plain.StderrLines);
        Expect.StderrLine(plain, l => l.StartsWith("error: unexpected ", StringComparison.Ordinal) && l.EndsWith("(run with --debug for details)", StringComparison.Ordinal));
        Expect.Exit(1, debug);
        Assert.Matches(new Regex(@"^\s+at Reconciler\.", RegexOptions.Multiline), debug.Stderr);
    }

    public static TheoryData<string[]> ReadOnlyCommands => new()
    {
        new[] { "status" }, new[] { "users", "list" }, new[] { "audit" },
    };

    [Theory]
    [MemberData(nameof(ReadOnlyCommands))]
    public async Task ReadOnlyCommand_OnAStoreInAMissingFolder_SaysSo_AndCreatesNothing(string[] command)
    {
        using var workspace = Workspace.Empty();

        var result = await workspace.Run([.. command, "--store", "missing/sub/state.db"]);

        Expect.ClearError(result);
        Assert.Single(result.StderrLines);
        Expect.StderrLine(result, l => l.Contains("no store at", StringComparison.Ordinal) && l.Contains(Path.Combine("missing", "sub", "state.db"), StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(workspace.Root, "missing")), $"{string.Join(' ', command)} created the store's folder");
    }

    /// <summary>A first apply or sync that fails used to leave an empty store (and the folders made for it) behind.</summary>
    [Theory]
    [InlineData("apply")]
    [InlineData("sync")]
    public async Task FailedFirstWrite_LeavesNoStoreBehind(string command)
    {
        using var workspace = Workspace.FromSamples();
        workspace.AppendRow("u9999,broken,\"broken@example.com,Broken Quote");
        string[] args = command == "sync"
            ? ["sync", "hr-export", "--config", Workspace.ConfigDir, "--store", "new/sub/state.db"]
            : ["apply", "--config", Workspace.ConfigDir, "--store", "new/sub/state.db"];

        var result = await workspace.Run(args);

        Expect.ClearError(result);
        Expect.StderrLine(result, l => l.Contains("broken quoting", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(workspace.Root, "new")), $"a failed {command} left {Path.Combine("new", "sub", "state.db")} behind");
    }

    /// <summary>An existing store is never removed by a failed write, even one with nothing in it yet.</summary>
    [Fact]
    public async Task FailedApply_OnAStoreThatExisted_KeepsIt()
    {
        using var workspace = Workspace.FromSamples();
        await workspace.ApplyOk();
        var before = workspace.StoreFingerprint();
        workspace.AppendRow("u9999,broken,\"broken@example.com,Broken Quote");

        var result = await workspace.Apply();

        Expect.ClearError(result);
        Assert.True(File.Exists(workspace.Store));
        Assert.Equal(before, workspace.StoreFingerprint());
    }

    public static TheoryData<string[], string> StoresThatAreNot => new()
    {
        { new[] { "status" }, "cannot read the store at" },
        { new[] { "users", "list" }, "cannot read the store at" },
        { new[] { "audit" }, "cannot read the store at" },
        { new[] { "plan", "--config", Workspace.ConfigDir }, "cannot read the store at" },
        { new[] { "apply", "--config", Workspace.ConfigDir }, "cannot write the store at" },
    };

    /// <summary>A folder where the store should be: plan used to carry on as if there were no store at all.</summary>
    [Theory]
    [MemberData(nameof(StoresThatAreNot))]
    public async Task StoreThatIsAFolder_IsOneLineSayingSo(string[] command, string says)
    {
        using var workspace = Workspace.FromSamples();
        Directory.CreateDirectory(Path.Combine(workspace.Root, "state-folder"));

        var result = await workspace.Run([.. command, "--store", "state-folder"]);

        Expect.ClearError(result);
        Expect.StderrLine(result, l => l.Contains(says, StringComparison.Ordinal) && l.EndsWith("state-folder: it is a folder, not a file", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(workspace.Root, "state-folder")));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("plan")]
    [InlineData("apply")]
    public async Task EmptyStoreOption_IsOneLineNamingIt(string command)
    {
        using var workspace = Workspace.FromSamples();

        var result = command == "status"
            ? await workspace.Run("status", "--store", "")
            : await workspace.Run(command, "--config", Workspace.ConfigDir, "--store", "");

        Expect.ClearError(result);
        Expect.StderrLine(result, l => l.StartsWith("error: --store is empty", StringComparison.Ordinal));
        Assert.DoesNotContain("Parameter", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigThatIsAFile_SaysItIsAFile()
    {
        using var workspace = Workspace.FromSamples();

        var result = await workspace.Run("validate", Path.Combine(Workspace.ConfigDir, "users.csv"));

        Expect.ClearError(result);
        Expect.StderrLine(result, l => l == Path.Combine(Workspace.ConfigDir, "users.csv") + ": is a file, not a folder: give the folder that holds the YAML files");
    }

    [Fact]
    public async Task Explain_WithAStoreInAMissingFolder_ExplainsFromTheDirectory_AndCreatesNothing()
    {
        using var workspace = Workspace.FromSamples();

        var known = await workspace.Run("explain", Samples.Executive, "--config", Workspace.ConfigDir, "--store", "missing/state.db");
        var unknown = await workspace.Run("explain", "nobody@example.com", "--config", Workspace.ConfigDir, "--store", "missing/state.db");

        Expect.Exit(0, known);
        Expect.Mentions("not provisioned", known);
        Expect.ClearError(unknown);
        Expect.StderrLine(unknown, l => l == "error: no user 'nobody@example.com' in any source or in the registry");
        Assert.False(Directory.Exists(Path.Combine(workspace.Root, "missing")), "explain created the store's folder");
    }

    [GeneratedRegex(@"^[^:\s]+:\d+:\d+: \S+: .+$")]
    private static partial Regex ConfigErrorLine();
}
