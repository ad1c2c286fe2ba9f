using SQLitePCL;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// WAL checkpoints off the writers' path. By default SQLite checkpoints inside the commit that takes the WAL past
/// 1,000 pages, so under a stream of SCIM pushes every few hundred users one push waited for a checkpoint and its
/// fsyncs. A long-running process (`run`) instead checkpoints from a thread of its own, passively (never waiting
/// for or blocking a writer), and its writers checkpoint themselves only past a far larger WAL, as a backstop for a
/// checkpoint that readers kept from finishing.
/// </summary>
public sealed partial class SqliteStore
{
    /// <summary>How often the background checkpoint runs.</summary>
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>WAL pages past which a writer still checkpoints in its commit (64 MB of 4 KiB pages).</summary>
    private const int BackstopPages = 16_384;

    private CancellationTokenSource? _checkpoints;
    private Task? _checkpointing;

    /// <summary>Whether connections opened now leave checkpoints to the background (see <see cref="CheckpointInBackground"/>).</summary>
    private bool BackgroundCheckpoints => _checkpoints is not null;

    /// <summary>Starts checkpointing from a thread of its own until the store is disposed. For a writable store only; once.</summary>
    public void CheckpointInBackground()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (ReadOnly) throw StoreErrors.OpenedReadOnly(Path);
        if (_checkpoints is not null) return;
        _checkpoints = new CancellationTokenSource();
        var stop = _checkpoints.Token;
        _checkpointing = Task.Run(async () =>
        {
            using var connection = OpenConnection();
            using var timer = new PeriodicTimer(CheckpointEvery);
            try
            {
                while (await timer.WaitForNextTickAsync(stop))
                {
                    // PASSIVE copies what it can without waiting for readers or writers; a busy or failed one is
                    // simply tried again on the next tick.
                    _ = raw.sqlite3_wal_checkpoint_v2(connection.Handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }, CancellationToken.None);
    }

    private async Task StopCheckpointsAsync()
    {
        if (_checkpoints is not { } checkpoints) return;
        await checkpoints.CancelAsync();
        if (_checkpointing is { } checkpointing)
        {
            // A tick is one passive checkpoint; it ends well within this unless the disk hangs.
            await checkpointing.WaitAsync(TimeSpan.FromSeconds(BusySeconds)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        checkpoints.Dispose();
    }
}
