using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Store.Tests.Sqlite;

/// <summary>A fresh store file per test, opened before it runs and released (and deleted) after.</summary>
public abstract class StoreTest : IAsyncLifetime
{
    protected StoreFolder Folder { get; } = new();

    protected SqliteStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await Folder.OpenAsync();

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Folder.Dispose();
    }

    /// <summary>Runs <paramref name="write"/> in one write session and commits it.</summary>
    protected async Task WriteAsync(Action<IStoreWriteSession> write)
    {
        await using var session = await Store.OpenWriteAsync(default);
        write(session);
        await session.CommitAsync(default);
    }

    /// <summary>Runs <paramref name="read"/> in a read session of its own.</summary>
    protected async Task<T> ReadAsync<T>(Func<IStoreSession, T> read)
    {
        await using var session = await Store.OpenReadAsync(default);
        return read(session);
    }

    /// <summary>Provisions the users (with their sample imported entry) in one commit, and gives them back as stored.</summary>
    protected async Task<IReadOnlyList<ProvisionedUser>> ProvisionAsync(params int[] users)
    {
        await WriteAsync(session =>
        {
            foreach (var i in users) session.Apply(Sample.Create(Sample.User(i)), Sample.Row(i), Sample.Context());
        });
        return await ReadAsync(session => users.Select(i => session.Find("corp", Sample.User(i).ExternalId)!.Provisioned!).ToList());
    }

    /// <summary>Applies one change in a commit of its own and gives the user back as stored.</summary>
    protected async Task<ProvisionedUser> ApplyAsync(PlanAction change, ImportedRow? imported = null, string revision = "rev-1")
    {
        await WriteAsync(session => session.Apply(change, imported, Sample.Context(revision)));
        return (await FindAsync(change.Source, change.ExternalId))!.Provisioned!;
    }

    protected Task<StoredUser?> FindAsync(string source, string id) => ReadAsync(session => session.Find(source, id));

    /// <summary>
    /// The store file's bytes with every commit folded in: closes the store (which checkpoints and removes its
    /// write-ahead log) and opens it again. Two equal results mean nothing was committed in between.
    /// </summary>
    protected async Task<byte[]> FileBytesAsync()
    {
        await Store.DisposeAsync();
        Assert.False(File.Exists(Folder.StorePath + "-wal"), "the store left its write-ahead log behind");
        var bytes = await File.ReadAllBytesAsync(Folder.StorePath);
        Store = await Folder.OpenAsync();
        return bytes;
    }

    protected static StateCounts Counts(int active, int preserved = 0, int disabled = 0) => new(active, preserved, disabled);
}
