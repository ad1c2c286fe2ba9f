namespace Reconciler.Connectors.Csv;

/// <summary>
/// One field as the parser split it, still with its spaces and quotes. Spaces around a field are dropped; a quoted
/// field runs from its first to its last character and writes a quote inside as "". Anything else with a quote in it
/// is broken quoting, which the parser cannot recover from (where the field ends is then a guess).
/// </summary>
internal static class CsvField
{
    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> raw) => raw.Trim(' ');

    /// <summary>Why the quoting of a trimmed field is broken, or null when it is sound.</summary>
    public static string? QuotingProblem(ReadOnlySpan<char> field)
    {
        if (field.IsEmpty) return null;
        if (field[0] != '"') return field.Contains('"') ? "a quote inside a field that does not start with one" : null;
        var body = field[1..];
        while (true)
        {
            var quote = body.IndexOf('"');
            if (quote < 0) return "a quoted field is never closed";
            if (quote + 1 < body.Length && body[quote + 1] == '"')
            {
                body = body[(quote + 2)..];
                continue;
            }
            return quote == body.Length - 1 ? null : "text after the closing quote of a field";
        }
    }

    /// <summary>
    /// The value of a trimmed field whose quoting is sound: without its quotes, "" read as ". Points into the field
    /// unless a quote had to be unescaped; then into <paramref name="scratch"/>, valid until its next use.
    /// </summary>
    public static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> field, ref char[] scratch)
    {
        if (field.IsEmpty || field[0] != '"') return field;
        var body = field[1..^1];
        var quote = body.IndexOf('"');
        if (quote < 0) return body;
        if (scratch.Length < body.Length) scratch = new char[Math.Max(body.Length, scratch.Length * 2)];
        var written = 0;
        while (quote >= 0)
        {
            body[..(quote + 1)].CopyTo(scratch.AsSpan(written));
            written += quote + 1;
            body = body[(quote + 2)..];
            quote = body.IndexOf('"');
        }
        body.CopyTo(scratch.AsSpan(written));
        return scratch.AsSpan(0, written + body.Length);
    }
}
