using System.Text;
using System.Text.Json.Nodes;
using Reconciler.Sources.Folder;

namespace Reconciler.Sources.Tests.Folder;

/// <summary>Hostile YAML gets one located error, and costs no more than the limit it runs into.</summary>
public sealed class YamlLimitTests
{
    /// <summary>Ten levels of nine aliases: 9^10 nodes once expanded.</summary>
    public static string AliasBomb()
    {
        var text = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level < 10; level++)
        {
            var name = (char)('a' + level);
            var previous = (char)('a' + level - 1);
            text.Append($"{name}: &{name} [{string.Join(", ", Enumerable.Repeat("*" + previous, 9))}]\n");
        }
        return text.ToString();
    }

    [Fact]
    public void Read_StopsAnAliasBomb_AtTheAliasThatPassesTheLimit()
    {
        var read = YamlJsonReader.Read(AliasBomb());

        // Anchored lists of a: 10 nodes, b: 91, c: 820, d: 7,381, with keys and root 8,309 so far: e's first *d passes 10,000.
        Assert.Equal("alias *d makes this document larger than 10,000 nodes once expanded; a resource needs far fewer", read.Error);
        Assert.Equal(new Position(5, 8), read.ErrorAt);
        Assert.Empty(read.Documents);
    }

    [Fact]
    public void Read_ExpandsAliasesWithinTheLimit()
    {
        var read = YamlJsonReader.Read("groups: &g [eng, ops]\nagain: *g\nname: &n corp\ncopy: *n\n");

        Assert.Null(read.Error);
        var root = Assert.Single(read.Documents).Root;
        Assert.Equal("""{"groups":["eng","ops"],"again":["eng","ops"],"name":"corp","copy":"corp"}""", root.ToJsonString());
        Assert.Equal(1 + 2 * 4 + 2 + 2, read.Nodes);
    }

    [Fact]
    public void Read_CountsEveryDocumentOfAFileAgainstTheFoldersBudget()
    {
        var text = "a: [1, 2, 3]\n---\nb: [4, 5, 6]\n";

        Assert.Equal(12, YamlJsonReader.Read(text).Nodes);
        var read = YamlJsonReader.Read(text, nodesLeft: 10);

        Assert.Equal("the YAML files of this folder have more than 250,000 nodes in all (aliases expanded)", read.Error);
        Assert.Equal(new Position(3, 8), read.ErrorAt);
    }

    [Fact]
    public void Read_RejectsADocumentOfTooManyNodes_EvenWithoutAliases()
    {
        var read = YamlJsonReader.Read("list: [" + string.Join(",", Enumerable.Repeat("1", 10_000)) + "]\n");

        Assert.Equal("this document has more than 10,000 nodes; a resource needs far fewer", read.Error);
        Assert.Equal(1, read.ErrorAt.Line);
    }

    [Theory]
    [InlineData("a: *nowhere\n", 1, 4, "alias *nowhere does not refer to a complete node &nowhere earlier in this document")]
    [InlineData("a: &x [1, *x]\n", 1, 11, "alias *x does not refer to a complete node &x earlier in this document")]
    [InlineData("a: &x [1]\n---\nb: *x\n", 3, 4, "alias *x does not refer to a complete node &x earlier in this document")]
    [InlineData("k: &k [1]\n*k : v\n", 2, 1, "a mapping key must be plain text, not a list or mapping")]
    [InlineData("? [a, b]\n: v\n", 1, 3, "a mapping key must be plain text, not a list or mapping")]
    public void Read_RejectsAliasesAndKeysThatCannotBeConverted(string text, int line, int column, string message)
    {
        var read = YamlJsonReader.Read(text);

        Assert.Equal(message, read.Error);
        Assert.Equal(new Position(line, column), read.ErrorAt);
    }

    [Fact]
    public void Read_AcceptsAnAliasOfAScalarAsKey()
    {
        var read = YamlJsonReader.Read("first: &k name\n*k : corp\n");

        Assert.Null(read.Error);
        Assert.Equal("corp", Assert.Single(read.Documents).Root["name"]!.GetValue<string>());
    }

    [Fact]
    public void Read_AcceptsNestingUpTo32Levels()
    {
        var read = YamlJsonReader.Read(new string('[', 32) + new string(']', 32));

        Assert.Null(read.Error);
        var node = Assert.Single(read.Documents).Root;
        var depth = 0;
        for (; node is JsonArray { Count: > 0 } array; node = array[0]) depth++;
        Assert.Equal(31, depth);
    }

    public static TheoryData<string, string, int, int> DeepDocuments => new()
    {
        { "flow 70 deep", new string('[', 70) + new string(']', 70), 1, 33 },
        { "flow 100,000 deep, never closed", new string('[', 100_000), 1, 33 },
        { "flow mappings 100,000 deep", string.Concat(Enumerable.Repeat("{a: ", 100_000)), 1, 129 },
        { "block lists 100,000 deep", string.Concat(Enumerable.Repeat("- ", 100_000)) + "x\n", 1, 65 },
        { "block mappings 40 deep", string.Concat(Enumerable.Range(0, 40).Select(i => new string(' ', 2 * i) + "a:\n")) + new string(' ', 80) + "x\n", 33, 65 },
    };

    [Theory]
    [MemberData(nameof(DeepDocuments))]
    public void Read_RejectsDeepNesting_BeforeBuildingATree(string what, string text, int line, int column)
    {
        var read = YamlJsonReader.Read(text);

        Assert.True(read.Error == "nested more than 32 levels deep; a resource needs far fewer", $"{what}: {read.Error}");
        Assert.Equal(new Position(line, column), read.ErrorAt);
    }

    [Fact]
    public void Read_ReportsATabUsedAsIndentation_AtTheTab()
    {
        var lines = Enumerable.Range(1, 21).Select(i => $"key{i}: value").ToList();
        lines.Add("nested:");
        lines.Add("\tchild: 1");
        var read = YamlJsonReader.Read(string.Join("\n", lines) + "\n");

        Assert.Equal("invalid YAML: tabs are not allowed for indentation in YAML; use spaces", read.Error);
        Assert.Equal(new Position(23, 1), read.ErrorAt);
    }

    [Theory]
    [InlineData("spec:\n  type: Csv\n\tcsv: {path: a}\n", 3, 1)]
    [InlineData("a:\n  b: 1\n  c:\n  \t- x\n", 4, 3)]
    [InlineData("a: |\n  x\n\ty\n", 3, 1)]
    [InlineData("note: \"tabs\tare fine\n  in\tquotes\"\nlist:\n  - a\n\t- b\n", 5, 1)]
    [InlineData("spec:\n  type: Csv\n\t\n  syncInterval: 5m\n", 3, 1)]   // a line of nothing but a tab
    [InlineData("spec:\n  type: Csv\n  \t\n  syncInterval: 5m\n", 3, 3)]
    public void Read_ReportsTabIndentation_WhereverYamlDotNetNoticesIt(string text, int line, int column)
    {
        var read = YamlJsonReader.Read(text);

        Assert.Equal("invalid YAML: " + YamlSyntax.TabIndentation, read.Error);
        Assert.Equal(new Position(line, column), read.ErrorAt);
    }

    [Theory]
    [InlineData("a:\t1\n")]
    [InlineData("a: [1,\n\t2]\n")]
    [InlineData("a: \"x\n\ty\"\n")]
    public void Read_AcceptsTabsThatAreNotIndentation(string text) => Assert.Null(YamlJsonReader.Read(text).Error);

    [Fact]
    public void Load_ReportsAnAliasBombOnce_AtItsFileLineAndColumn()
    {
        using var config = new TempConfig().WithBase().Write("bomb.yaml", AliasBomb());

        var result = config.Load();

        Assert.Equal(["bomb.yaml:5:8: (file): alias *d makes this document larger than 10,000 nodes once expanded; a resource needs far fewer"], config.Errors());
        Assert.Equal([Path.Join(config.Directory, "bomb.yaml")], result.UnreadableFiles);
        Assert.Equal(["hr-csv"], result.Partial.Sources.Select(s => s.Name));
    }

    [Fact]
    public void Load_RejectsAFileLargerThanOneMebibyte_WithoutAPosition()
    {
        var big = TempConfig.Header + "kind: DirectorySource\n" + new string('#', YamlLimits.MaxFileBytes) + "\n";
        using var config = new TempConfig().WithBase().Write("big.yaml", big);

        Assert.Equal(["big.yaml: file is larger than 1 MiB, the most one YAML file may be; split it into several files"], config.Errors());
    }

    [Fact]
    public void Load_AcceptsAFileOfExactlyOneMebibyte()
    {
        var header = "# padding\n";
        var text = header + new string('#', YamlLimits.MaxFileBytes - header.Length - 1) + "\n";
        using var config = new TempConfig().WithBase().Write("padding.yaml", text);
        Assert.Equal(YamlLimits.MaxFileBytes, new FileInfo(Path.Combine(config.Directory, "padding.yaml")).Length);

        Assert.True(config.Load().IsValid);
    }

    [Fact]
    public void Load_ReportsDeepNestingAtItsPlace_AsOneError()
    {
        using var config = new TempConfig().WithBase().Write("deep.yaml", TempConfig.Header + "kind: DirectorySource\nmetadata: " + new string('[', 20_000) + "\n");

        Assert.Equal(["deep.yaml:3:42: (file): nested more than 32 levels deep; a resource needs far fewer"], config.Errors());
    }
}
