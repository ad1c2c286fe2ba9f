using System.Globalization;

namespace Reconciler.Core.Resources;

/// <summary>Storage quantities as Kubernetes writes them: 500Mi, 50Gi, 1Ti, plain bytes; 0 means unlimited.</summary>
public static class Quantity
{
    private static readonly (string Suffix, long Factor)[] Suffixes =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40), ("Pi", 1L << 50),
        ("k", 1_000L), ("M", 1_000_000L), ("G", 1_000_000_000L), ("T", 1_000_000_000_000L), ("P", 1_000_000_000_000_000L),
    ];

    /// <summary>Parses a quantity into bytes; returns an error message instead of throwing.</summary>
    public static bool TryParse(string? text, out long bytes, out string error)
    {
        bytes = 0;
        error = "";
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            error = "quantity is empty; write e.g. 50Gi, 1Ti, or 0 for unlimited";
            return false;
        }
        long factor = 1;
        foreach (var (suffix, f) in Suffixes)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = f;
                s = s[..^suffix.Length];
                break;
            }
        }
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{text}' is not a quantity; write e.g. 500Mi, 50Gi, 1Ti, or 0 for unlimited";
            return false;
        }
        try
        {
            bytes = checked(number * factor);
            return true;
        }
        catch (OverflowException)
        {
            error = $"'{text}' is too large";
            return false;
        }
    }

    /// <summary>Formats bytes in the largest binary unit that divides them; 0 is "unlimited".</summary>
    public static string Format(long bytes)
    {
        if (bytes == 0) return "unlimited";
        foreach (var (suffix, factor) in Suffixes.Take(5).Reverse())
        {
            if (bytes % factor == 0) return (bytes / factor).ToString(CultureInfo.InvariantCulture) + suffix;
        }
        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
