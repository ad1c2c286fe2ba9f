using System.Globalization;

namespace Reconciler.Core.Resources;

/// <summary>Go-style durations: 300ms, 30s, 15m, 1h, 24h, 1h30m.</summary>
public static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = "";
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            error = "duration is empty; write e.g. 30s, 15m, 1h";
            return false;
        }
        var i = 0;
        double totalMs = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i) return Fail(text, out error);
            var number = double.Parse(s[start..i], CultureInfo.InvariantCulture);
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            double unitMs = s[unitStart..i] switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => double.NaN,
            };
            if (double.IsNaN(unitMs)) return Fail(text, out error);
            totalMs += number * unitMs;
        }
        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value.TotalSeconds < 1) return $"{(int)value.TotalMilliseconds}ms";
        if (value.TotalMinutes < 1) return value.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + "s";
        var parts = "";
        if ((int)value.TotalHours > 0) parts += $"{(int)value.TotalHours}h";
        if (value.Minutes > 0) parts += $"{value.Minutes}m";
        if (value.Seconds > 0) parts += $"{value.Seconds}s";
        return parts;
    }

    private static bool Fail(string? text, out string error)
    {
        error = $"'{text}' is not a duration; write e.g. 30s, 15m, 1h, 24h (units ms, s, m, h)";
        return false;
    }
}
