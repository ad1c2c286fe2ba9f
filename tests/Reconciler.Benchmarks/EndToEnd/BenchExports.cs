using System.Diagnostics;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>The four exports the suite reads, generated once per run into its work folder.</summary>
public sealed record BenchExports(int Users, string Mid, string MidReordered, int LargeUsers, string Large, string LargeChanged, ChangedRow Change)
{
    public static async Task<BenchExports> GenerateAsync(string folder, int users, int largeUsers)
    {
        Directory.CreateDirectory(folder);
        var clock = Stopwatch.StartNew();
        var mid = Path.Combine(folder, $"users-{users}.csv");
        var reordered = Path.Combine(folder, $"users-{users}-reordered.csv");
        var large = Path.Combine(folder, $"users-{largeUsers}.csv");
        var changed = Path.Combine(folder, $"users-{largeUsers}-one-changed.csv");
        var change = UserExport.PickChange(largeUsers);
        // Three of them at once: generating is CPU work, and the machine has two cores.
        await Task.WhenAll(
            Task.Run(async () =>
            {
                await UserExport.WriteAsync(mid, users);
                await UserExport.WriteShuffledAsync(reordered, users, seed: 2026);
            }),
            Task.Run(() => UserExport.WriteAsync(large, largeUsers)),
            Task.Run(() => UserExport.WriteAsync(changed, largeUsers, change)));
        if (SameBytes(mid, reordered)) throw new BenchFailure("the reordered export came out identical to the original");
        Console.WriteLine($"exports: {users:N0} rows ({Megabytes(mid)}), the same reordered, {largeUsers:N0} rows ({Megabytes(large)}), " +
            $"and that with line {change.Index + 2:N0} (id {change.Id}) moved from {change.From} to {change.To}; {clock.Elapsed.TotalSeconds:0.0} s");
        return new BenchExports(users, mid, reordered, largeUsers, large, changed, change);
    }

    public static string Megabytes(string path) => $"{new FileInfo(path).Length / 1048576.0:N1} MB";

    private static bool SameBytes(string a, string b) =>
        new FileInfo(a).Length == new FileInfo(b).Length && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
}
