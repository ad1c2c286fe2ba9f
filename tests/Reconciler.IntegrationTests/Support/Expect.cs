using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reconciler.IntegrationTests.Support;

/// <summary>Assertions phrased as what a user sees.</summary>
public static partial class Expect
{
    public static void Exit(int code, CliResult result) =>
        Assert.True(result.ExitCode == code, $"expected exit {code}:\n{result}");

    /// <summary>Exit 1, an error on stderr, no stack trace, nothing that looks like a crash.</summary>
    public static void ClearError(CliResult result)
    {
        Exit(1, result);
        Assert.True(result.Stderr.Trim().Length > 0, "exit 1 without any message on stderr:\n" + result);
        Assert.False(StackFrame().IsMatch(result.Output), "a stack trace reached the user:\n" + result);
        Assert.DoesNotContain("Unhandled exception", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    public static void Mentions(string text, CliResult result) =>
        Assert.True(result.Output.Contains(text, StringComparison.OrdinalIgnoreCase), $"expected the output to mention '{text}':\n{result}");

    public static void StdoutLine(CliResult result, Func<string, bool> predicate) =>
        Assert.True(result.StdoutLines.Any(predicate), "no stdout line as expected:\n" + result);

    public static void StderrLine(CliResult result, Func<string, bool> predicate) =>
        Assert.True(result.StderrLines.Any(predicate), "no stderr line as expected:\n" + result);

    public static int Int(JsonElement element, string property) => element.GetProperty(property).GetInt32();

    public static string Str(JsonElement element, string property) => element.GetProperty(property).GetString() ?? "";

    public static JsonElement Only(IEnumerable<JsonElement> items, Func<JsonElement, bool> predicate, string what)
    {
        var found = items.Where(predicate).ToList();
        Assert.True(found.Count == 1, $"expected exactly one {what}, found {found.Count}");
        return found[0];
    }

    [GeneratedRegex(@"^\s+at \S+.*\(.*\)", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
