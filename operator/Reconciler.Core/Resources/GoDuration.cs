using System.Globalization;

namespace Reconciler.Core.Resources;

/// <summary>
/// Go-style durations: 300ms, 30s, 15m, 1h, 24h, 1h30m. Parsing never throws: text that is not a duration, and
/// a duration longer than Go's own limit (about 2562047h, the most an int64 of nanoseconds holds), are errors.
/// </summary>
public static class GoDuration
{
    /// <summary>The longest duration Go can represent (2^63-1 ns), far inside <see cref="TimeSpan.MaxValue"/>.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromTicks(long.MaxValue / 100);

    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        var outcome = Parse(text, out value);
        error = outcome switch
        {
            Outcome.Parsed => "",
            Outcome.Empty => "duration is empty; write e.g. 30s, 15m, 1h",
            Outcome.TooLong => $"'{text}' is out of range: a duration is at most {Format(Longest)}",
            _ => NotADuration(text),
        };
        return outcome == Outcome.Parsed;
    }

    /// <summary>
    /// Parses a duration that must lie in <paramref name="range"/>; <paramref name="field"/> names it in the error:
    /// <c>'1000000h' is out of range: syncInterval must be between 1s and 720h</c>.
    /// </summary>
    public static bool TryParse(string? text, DurationRange range, string field, out TimeSpan value, out string error)
    {
        var outcome = Parse(text, out value);
        if (outcome == Outcome.TooLong || (outcome == Outcome.Parsed && !range.Contains(value)))
        {
            error = $"'{text}' is out of range: {field} must be {range}";
            return false;
        }
        return TryParse(text, out value, out error);
    }

    public static string Format(TimeSpan value)
    {
        if (value.TotalSeconds < 1) return $"{(int)value.TotalMilliseconds}ms";
        if (value.TotalMinutes < 1) return value.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + "s";
        var parts = "";
        if ((long)value.TotalHours > 0) parts += $"{(long)value.TotalHours}h";
        if (value.Minutes > 0) parts += $"{value.Minutes}m";
        if (value.Seconds > 0) parts += $"{value.Seconds}s";
        return parts;
    }

    private enum Outcome { Parsed, Empty, Invalid, TooLong }

    private static Outcome Parse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text?.Trim() ?? "";
        if (s.Length == 0) return Outcome.Empty;
        var i = 0;
        double totalMs = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return Outcome.Invalid;
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            double unitMs = s.AsSpan(unitStart, i - unitStart) switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => double.NaN,
            };
            if (double.IsNaN(unitMs)) return Outcome.Invalid;
            totalMs += number * unitMs;
        }
        // A run of digits can exceed double's range (infinity); compare before converting, which would throw.
        if (!double.IsFinite(totalMs) || totalMs > Longest.TotalMilliseconds) return Outcome.TooLong;
        value = TimeSpan.FromTicks((long)Math.Round(totalMs * TimeSpan.TicksPerMillisecond));
        return Outcome.Parsed;
    }

    private static string NotADuration(string? text) =>
        $"'{text}' is not a duration; write e.g. 30s, 15m, 1h, 24h (units ms, s, m, h)";
}
