namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>Repeated runs of one command: the median and best wall time, and the highest peak resident set.</summary>
public sealed record Sample(string Name, IReadOnlyList<Run> Runs)
{
    public double MedianWall
    {
        get
        {
            var walls = Runs.Select(r => r.WallSeconds).Order().ToArray();
            var middle = walls.Length / 2;
            return walls.Length % 2 == 1 ? walls[middle] : (walls[middle - 1] + walls[middle]) / 2;
        }
    }

    public double BestWall => Runs.Min(r => r.WallSeconds);

    public double PeakRssMb => Runs.Max(r => r.PeakRssMb);

    public string WallText => Runs.Count == 1 ? $"{MedianWall:0.00}" : $"{MedianWall:0.00} (best {BestWall:0.00}, n={Runs.Count})";

    /// <summary>"csv_to_sqlite.py 1.79 s, 20 MB", as the reference column shows it.</summary>
    public string AsReference => $"{Name} {MedianWall:0.00} s, {PeakRssMb:0} MB";
}

/// <summary>
/// What the row promises: a wall-time ratio to its reference, a wall time in seconds (an issue's "under 1 s"),
/// and/or a ceiling on peak memory.
/// </summary>
public sealed record Target(double? MaxRatio = null, double? MaxRssMb = null, double? UnderSeconds = null)
{
    public string Describe(double? ratio, double wallSeconds, double rssMb)
    {
        var parts = new List<string>();
        var missed = new List<string>();
        if (MaxRatio is { } maxRatio)
        {
            parts.Add($"≤ {maxRatio:0.0#}×");
            if (ratio is not { } r || r > maxRatio) missed.Add("wall");
        }
        if (UnderSeconds is { } under)
        {
            parts.Add($"under {under:0.##} s");
            if (wallSeconds >= under) missed.Add("wall");
        }
        if (MaxRssMb is { } maxRss)
        {
            parts.Add($"RSS ≤ {maxRss:0} MB");
            if (rssMb > maxRss) missed.Add("RSS");
        }
        return $"{string.Join(", ", parts)}: {(missed.Count == 0 ? "met" : $"missed ({string.Join(", ", missed)})")}";
    }
}

/// <summary>One row of the results: what | wall s | peak RSS MB | reference | ratio | target.</summary>
public sealed record Figure(string What, Sample Measured, Sample? Reference = null, Target? Target = null, string? ReferenceText = null)
{
    public double? Ratio => Reference is null ? null : Measured.MedianWall / Reference.MedianWall;

    public string[] Cells() =>
    [
        What,
        Measured.WallText,
        $"{Measured.PeakRssMb:0}",
        ReferenceText ?? Reference?.AsReference ?? "—",
        Ratio is { } r ? $"{r:0.00}×" : "—",
        Target?.Describe(Ratio, Measured.MedianWall, Measured.PeakRssMb) ?? "—",
    ];
}
