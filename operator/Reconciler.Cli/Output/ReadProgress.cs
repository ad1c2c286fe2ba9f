using Reconciler.Connectors;
using Reconciler.Core.Resources;
using Reconciler.Engine.Reconciling;

namespace Reconciler.Cli.Output;

/// <summary>
/// Progress of one source's read on standard error: a line rewritten in place on a terminal, or a plain line every
/// 100,000 users when redirected (so standard output stays parseable).
/// </summary>
internal sealed class ReadProgress(string source, bool terminal) : IProgress<ImportProgress>
{
    private const long PlainEvery = 100_000;
    private long _next = terminal ? 1_000 : PlainEvery;

    public static ReadProgress For(string source) => new(source, !Console.IsErrorRedirected);

    public void Report(ImportProgress value)
    {
        if (value.UsersRead < _next) return;
        if (terminal)
        {
            _next = value.UsersRead + 10_000;
            Console.Error.Write($"\rreading {source}: {value.UsersRead:N0} users...");
            return;
        }
        _next = (value.UsersRead / PlainEvery + 1) * PlainEvery;
        Console.Error.WriteLine($"reading {source}: {value.UsersRead:N0} users...");
    }

    public void Done(SourceRead read)
    {
        if (terminal) Console.Error.Write("\r\u001b[2K");
        if (read.IsFailed || read.Skipped) return;
        var what = read.Mode == ReadMode.Delta && !read.SnapshotChanged
            ? "unchanged since the last read"
            : $"{read.UsersRead:N0} users, {Skipped(read.EntriesSkipped)}{read.Changes.Count:N0} new or changed, {read.Deleted.Count:N0} gone";
        Console.Error.WriteLine($"read {source}: {what} in {GoDuration.Format(read.Duration)}{(read.Complete ? "" : " (incomplete)")}");
    }

    private static string Skipped(int rows) => rows switch
    {
        0 => "",
        1 => "1 row skipped, ",
        _ => $"{rows:N0} rows skipped, ",
    };
}
