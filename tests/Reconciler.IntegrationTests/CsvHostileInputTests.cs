using System.Text;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>
/// A directory export with bytes or characters no directory value should hold: each is named by its line, shown
/// escaped (never raw, where it could reorder or hide what the user reads), and costs no more than the limit it hits.
/// </summary>
public sealed class CsvHostileInputTests
{
    /// <summary>The first line after the 50 sample rows.</summary>
    private const int AppendedLine = 52;

    private static string Row(string displayName) =>
        $"u0901,hostile,hostile@example.com,{displayName},Hal,Stile,Sales,Rep,all-staff,\"ou=people,dc=example,dc=com\",true";

    [Theory]
    [InlineData(2)]    // right after the header
    [InlineData(4)]    // after two good rows
    public async Task BinaryBytes_AreReportedAtTheirLine_AndNothingChanges(int line)
    {
        using var workspace = await Baseline.CloneAsync();
        var text = workspace.CsvLines().Take(line - 1).Select(l => l + "\n");
        var bytes = Encoding.UTF8.GetBytes(string.Concat(text)).Concat(new byte[] { 0x00, 0x01, 0xFF, 0xFE, 0x9C, (byte)'\n' }).ToArray();
        File.WriteAllBytes(workspace.UsersCsv, bytes);
        var before = workspace.StoreFingerprint();

        foreach (var result in new[] { await workspace.Apply(), await workspace.Plan() })
        {
            Expect.ClearError(result);
            Expect.StderrLine(result, l => l.Contains($"users.csv:{line}: the file is not UTF-8 text", StringComparison.Ordinal));
            Assert.DoesNotContain("line 0", result.Output, StringComparison.Ordinal);
        }
        Assert.Equal(before, workspace.StoreFingerprint());
    }

    public static TheoryData<string, string, string> UnsafeValues => new()
    {
        // display name as written in the file, the character named, how it is shown
        { "Eve\0Evil", "U+0000", "Eve\\u{0000}Evil" },
        { "Eve\u202EliveE", "U+202E", "Eve\\u{202E}liveE" },
        { "Eve\u001B[31mEvil", "U+001B", "Eve\\u{001B}[31mEvil" },
        { "\"Eve\tEvil\"", "U+0009", "Eve\\u{0009}Evil" },       // a tab inside a quoted field
        { "\"Eve\nEvil\"", "U+000A", "Eve\\u{000A}Evil" },       // a line break inside a quoted field
        { "\"Eve\r\nEvil\"", "U+000D", "Eve\\u{000D}\\u{000A}Evil" },
    };

    /// <summary>The README's rule: a value with a control character makes its row malformed, named and skipped; it is never echoed raw.</summary>
    [Theory]
    [MemberData(nameof(UnsafeValues))]
    public async Task ControlCharacter_InAField_SkipsTheRow_AndIsShownEscaped(string displayName, string named, string shown)
    {
        using var workspace = await Baseline.CloneAsync();
        File.AppendAllText(workspace.UsersCsv, Row(displayName) + "\n");
        var raw = displayName.Trim('"');

        var plan = await workspace.Plan();
        var apply = await workspace.Apply();

        foreach (var result in new[] { plan, apply })
        {
            Expect.Exit(0, result);   // the other 50 rows are unchanged; the import is incomplete, so nobody is removed
            Expect.StderrLine(result, l => l.Contains($"users.csv:{AppendedLine}: displayName contains the control character {named} ('{shown}'); row skipped",
                StringComparison.Ordinal));
            Assert.DoesNotContain(raw, result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\u202E", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\0", result.Output, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(await workspace.Users(), u => Expect.Str(u, "email") == "hostile@example.com");
        Assert.Equal(Samples.Created, (await workspace.Users()).Count);
    }

    [Fact]
    public async Task TenMegabyteDisplayName_FailsTheReadAtItsLine_AndNothingChanges()
    {
        using var workspace = await Baseline.CloneAsync();
        File.AppendAllText(workspace.UsersCsv, Row(new string('A', 10_000_000)) + "\n");
        var before = workspace.StoreFingerprint();

        foreach (var result in new[] { await workspace.Apply(), await workspace.Plan() })
        {
            Expect.ClearError(result);
            Expect.StderrLine(result, l => l.Contains($"users.csv:{AppendedLine}: the row is longer than 1,048,576 characters", StringComparison.Ordinal));
            Assert.True(result.Output.Length < 10_000, $"the output echoes the long value ({result.Output.Length:N0} characters)");
        }
        Assert.Equal(before, workspace.StoreFingerprint());
    }

    [Fact]
    public async Task DisplayNameOverTheFieldCap_SkipsTheRow_AndSaysHowLongItIs()
    {
        using var workspace = await Baseline.CloneAsync();
        File.AppendAllText(workspace.UsersCsv, Row(new string('A', 2_000)) + "\n");

        var apply = await workspace.Apply();

        Expect.Exit(0, apply);
        Expect.StderrLine(apply, l => l.Contains($"users.csv:{AppendedLine}: displayName is 2,000 characters long; at most 1,024 are allowed; row skipped",
            StringComparison.Ordinal));
        Assert.DoesNotContain(new string('A', 200), apply.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(await workspace.Users(), u => Expect.Str(u, "email") == "hostile@example.com");
    }
}
