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
}
