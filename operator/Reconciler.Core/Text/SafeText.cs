using System.Buffers;
using System.Globalization;
using System.Text;

namespace Reconciler.Core.Text;

/// <summary>
/// Text that came from outside (a directory, a file, a request) made safe to echo in a message, a log line or a
/// table: control and bidirectional-override characters are shown as <c>\u{202E}</c>, and long values are cut.
/// </summary>
public static class SafeText
{
    public const int DefaultMaxLength = 120;

    public static string Show(string? text, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (!NeedsEscaping(text) && text.Length <= maxLength) return text;
        var shown = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            if (shown.Length >= maxLength)
            {
                shown.Append($"… ({text.Length:N0} characters)");
                break;
            }
            if (IsUnsafe(rune)) shown.Append("\\u{").Append(rune.Value.ToString("X4", CultureInfo.InvariantCulture)).Append('}');
            else shown.Append(rune.ToString());
        }
        return shown.ToString();
    }

    /// <summary>The first character that must not appear in a directory value, or null when there is none.</summary>
    public static Rune? FirstUnsafe(string text)
    {
        if (!NeedsEscaping(text)) return null;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsUnsafe(rune)) return rune;
        }
        return null;
    }

    /// <summary>U+XXXX, for messages about a character.</summary>
    public static string Name(Rune rune) => "U+" + rune.Value.ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>
    /// Control characters (C0, DEL, C1), bidirectional embeddings, overrides and isolates (which reorder what a
    /// reader sees: U+202A–U+202E, U+2066–U+2069), and the replacement character left by broken encodings.
    /// </summary>
    public static bool IsUnsafe(Rune rune) =>
        Rune.IsControl(rune)
        || rune.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 or 0xFFFD;

    /// <summary>
    /// Every UTF-16 unit that may start an unsafe character: C0, DEL and C1 controls, the bidirectional controls,
    /// the replacement character and surrogates (whose pairs are then checked rune by rune). Searched vectorised,
    /// since every value of every imported user passes through here.
    /// </summary>
    private static readonly SearchValues<char> Suspicious = SearchValues.Create(Suspects());

    private static bool NeedsEscaping(string text) => text.AsSpan().ContainsAny(Suspicious);

    private static string Suspects()
    {
        var chars = new List<char>();
        for (var c = '\u0000'; c < ' '; c++) chars.Add(c);
        for (var c = '\u007F'; c <= '\u009F'; c++) chars.Add(c);
        for (var c = '\u202A'; c <= '\u202E'; c++) chars.Add(c);
        for (var c = '\u2066'; c <= '\u2069'; c++) chars.Add(c);
        chars.Add('\uFFFD');
        for (var c = '\uD800'; c <= '\uDFFF'; c++) chars.Add(c);
        return new string(chars.ToArray());
    }
}
