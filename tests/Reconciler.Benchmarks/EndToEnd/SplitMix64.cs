namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// SplitMix64: a tiny generator whose every step is written here, so one seed gives the same export on every machine
/// and .NET version (System.Random promises no such thing across versions).
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>0 ≤ result &lt; n.</summary>
    public int Below(int n) => (int)(Next() % (ulong)n);

    /// <summary>True with probability p.</summary>
    public bool Chance(double p) => (Next() >> 11) * (1.0 / (1UL << 53)) < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];
}
