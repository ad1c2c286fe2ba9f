using System.Globalization;

namespace Reconciler.Core.Resources;

/// <summary>
/// Storage quantities as Kubernetes writes them: 500Mi, 50Gi, 1Ti, 2E, plain bytes; 0 means unlimited.
/// Suffixes k, M, G, T, P, E (powers of 1000) and Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024). The bytes must fit in
/// 64 bits: the largest quantity is 8Ei less one byte, which messages round to "at most 8Ei".
/// </summary>
public static class Quantity
{
    /// <summary>The binary suffixes first (Format uses them, largest last); "Ei" is tried before "E".</summary>
    private static readonly (string Suffix, long Factor)[] Suffixes =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40), ("Pi", 1L << 50), ("Ei", 1L << 60),
        ("k", 1_000L), ("M", 1_000_000L), ("G", 1_000_000_000L), ("T", 1_000_000_000_000L), ("P", 1_000_000_000_000_000L),
        ("E", 1_000_000_000_000_000_000L),
    ];

    private const int BinarySuffixes = 6;

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
        if (s.Length == 0 || !s.All(char.IsAsciiDigit))
        {
            error = $"'{text}' is not a quantity; write e.g. 500Mi, 50Gi, 1Ti, or 0 for unlimited";
            return false;
        }
        // Digits only: a number that does not fit, or does not fit once multiplied, is too large rather than wrong.
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue / factor)
        {
            error = $"'{text}' is out of range (at most 8Ei)";
            return false;
        }
        bytes = number * factor;
        return true;
    }

    /// <summary>Formats bytes in the largest binary unit that divides them; 0 is "unlimited".</summary>
    public static string Format(long bytes)
    {
        if (bytes == 0) return "unlimited";
        foreach (var (suffix, factor) in Suffixes.Take(BinarySuffixes).Reverse())
        {
            if (bytes % factor == 0) return (bytes / factor).ToString(CultureInfo.InvariantCulture) + suffix;
        }
        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
