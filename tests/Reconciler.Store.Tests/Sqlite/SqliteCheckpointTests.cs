namespace Reconciler.Store.Tests.Sqlite;

/// <summary>`run` leaves WAL checkpoints to a thread of their own, so no write waits for one in its commit.</summary>
public sealed class SqliteCheckpointTests : StoreTest
{
    [Fact]
    public async Task InTheBackground_CommittedPagesReachTheMainFile_WhileWritersNoLongerCheckpoint()
    {
        Store.CheckpointInBackground();
        var before = new FileInfo(Folder.StorePath).Length;

        await ProvisionAsync([.. Enumerable.Range(1, 2_000)]);

        // Writers would checkpoint only past 16,384 WAL pages (these users are a few hundred): the pages reach the
        // main file through the background checkpoint alone.
        using (var connection = Store.OpenConnection())
        {
            Assert.Equal(16_384, StoreFolder.Scalar(connection, "PRAGMA wal_autocheckpoint"));
        }
        var grown = false;
        for (var i = 0; i < 100 && !grown; i++)
        {
            await Task.Delay(100);
            grown = new FileInfo(Folder.StorePath).Length > before;
        }
        Assert.True(grown, $"the main file stayed at {before} bytes");
        Assert.Equal(2_000, (await Store.CountUsersAsync(default)).Values.Sum());
    }
}
