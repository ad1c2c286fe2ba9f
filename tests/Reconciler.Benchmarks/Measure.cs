using System.Diagnostics;

namespace Reconciler.Benchmarks;

/// <summary>Times an action a few times after a warm-up and keeps the fastest and median runs.</summary>
public static class Measure
{
    public static (TimeSpan Best, TimeSpan Median) Time(Action action, int runs = 5)
    {
        action();
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed);
        }
        times.Sort();
        return (times[0], times[times.Count / 2]);
    }

    public static async Task<TimeSpan> OnceAsync(Func<Task> action)
    {
        GC.Collect();
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed;
    }

    public static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.000} s";
}
