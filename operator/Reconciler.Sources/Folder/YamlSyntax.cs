using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace Reconciler.Sources.Folder;

/// <summary>Turns YamlDotNet's syntax errors into a place and a sentence a person acts on.</summary>
internal static partial class YamlSyntax
{
    public const string TabIndentation = "tabs are not allowed for indentation in YAML; use spaces";

    /// <summary>
    /// A syntax error, found after the event that started at <paramref name="lastGood"/>. YamlDotNet reports a tab
    /// used as indentation at 1:1 (or at the line before), so the tab itself is looked for from there on.
    /// </summary>
    public static YamlProblem Explain(YamlException e, string text, Position lastGood)
    {
        if (TabWord().IsMatch(e.Message) && FindIndentingTab(text, lastGood.Line) is { } tab)
            return new YamlProblem(tab, "invalid YAML: " + TabIndentation);
        return new YamlProblem(Position.Of(e.Start), "invalid YAML: " + Describe(e.Message));
    }

    /// <summary>YamlDotNet's scanner throws InvalidOperationException instead of a YamlException for some unterminated flow collections.</summary>
    public static YamlProblem Unreadable(Position at) =>
        new(at, "invalid YAML: the text cannot be read from here on; look for an unclosed [, { or quote");

    /// <summary>
    /// The first tab in the leading white space of a line with content, from a line on; failing that, the first tab
    /// on a line of nothing but white space, which YamlDotNet also refuses (and reports at 1:1).
    /// </summary>
    private static Position? FindIndentingTab(string text, int fromLine)
    {
        Position? onBlankLine = null;
        var line = 1;
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            if (line >= fromLine)
            {
                var i = start;
                int? tab = null;
                while (i < end && text[i] is ' ' or '\t')
                {
                    if (text[i] == '\t') tab ??= i;
                    i++;
                }
                if (tab is { } at)
                {
                    var blank = i == end || text[i] == '\r';
                    if (!blank && text[i] != '#') return new Position(line, at - start + 1);
                    if (blank) onBlankLine ??= new Position(line, at - start + 1);
                }
            }
            start = end + 1;
            line++;
        }
        return onBlankLine;
    }

    /// <summary>YamlDotNet's message as a clause: "while parsing a block mapping, did not find expected key".</summary>
    public static string Describe(string message)
    {
        var text = message.Trim().TrimEnd('.');
        return text.Length == 0 ? "cannot be parsed" : char.ToLowerInvariant(text[0]) + text[1..];
    }

    [GeneratedRegex(@"\btabs?\b", RegexOptions.IgnoreCase)]
    private static partial Regex TabWord();
}
