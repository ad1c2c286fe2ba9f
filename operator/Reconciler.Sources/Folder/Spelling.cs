namespace Reconciler.Sources.Folder;

/// <summary>Suggests the name a user probably meant.</summary>
internal static class Spelling
{
    /// <summary>" (did you mean 'x'?)" for the closest candidate within a few edits, or "".</summary>
    public static string Suggest(string word, IEnumerable<string> candidates)
    {
        var closest = Closest(word, candidates);
        return closest is null ? "" : $" (did you mean '{closest}'?)";
    }

    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Where(c => c != word))
        {
            var distance = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        var allowed = Math.Max(2, word.Length / 4);
        return bestDistance <= allowed ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
