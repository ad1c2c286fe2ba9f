using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteStatusTests : IAsyncLifetime
{
    private readonly StoreFolder folder = new();
    private SqliteStore store = null!;

    public async Task InitializeAsync() => store = await folder.OpenAsync();

    public async Task DisposeAsync()
    {
        await store.DisposeAsync();
        folder.Dispose();
    }

    private static StoredStatus Status(string kind, string name, string summary, int minutes = 0) =>
        new(kind, name, $$"""{"observedGeneration":1,"summary":"{{summary}}"}""", summary, Sample.Now.AddMinutes(minutes));

    [Fact]
    public async Task SaveStatus_RoundTripsOrderedByKindAndName()
    {
        StoredStatus[] statuses = [Status("ProvisioningMapping", "eng", "3 create"), Status("DirectorySource", "corp", "120 users")];

        await store.SaveStatusAsync(statuses, default);

        Assert.Equal([statuses[1], statuses[0]], await store.LoadStatusAsync(default));
    }

    [Fact]
    public async Task SaveStatus_ForgetsResourcesNoLongerDeclared()
    {
        await store.SaveStatusAsync([Status("DirectorySource", "corp", "a"), Status("DirectorySource", "old", "b")], default);

        await store.SaveStatusAsync([Status("DirectorySource", "corp", "a")], default);

        Assert.Equal(["corp"], (await store.LoadStatusAsync(default)).Select(s => s.Name));
    }

    [Fact]
    public async Task SaveStatus_Unchanged_WritesNothingAndKeepsItsTime()
    {
        await store.SaveStatusAsync([Status("DirectorySource", "corp", "a"), Status("DirectorySource", "ldap", "b")], default);
        using var observer = folder.Connect();
        var version = StoreFolder.Scalar(observer, "PRAGMA data_version");

        await store.SaveStatusAsync([Status("DirectorySource", "corp", "a", minutes: 5), Status("DirectorySource", "ldap", "b", minutes: 5)], default);
        Assert.Equal(version, StoreFolder.Scalar(observer, "PRAGMA data_version"));

        await store.SaveStatusAsync([Status("DirectorySource", "corp", "a", minutes: 9), Status("DirectorySource", "ldap", "c", minutes: 9)], default);
        var loaded = await store.LoadStatusAsync(default);
        Assert.Equal(Sample.Now, loaded[0].UpdatedAt);
        Assert.Equal((Sample.Now.AddMinutes(9), "c"), (loaded[1].UpdatedAt, loaded[1].Summary));
    }

    [Fact]
    public async Task SaveStatus_KeepsTheSpecHashAndGeneration_AndAChangedGenerationIsWritten()
    {
        await store.SaveStatusAsync([Status("DirectorySource", "corp", "a") with { SpecHash = "abc", Generation = 1 }], default);

        await store.SaveStatusAsync([Status("DirectorySource", "corp", "a", minutes: 3) with { SpecHash = "def", Generation = 2 }], default);

        var loaded = Assert.Single(await store.LoadStatusAsync(default));
        Assert.Equal(("def", 2L, Sample.Now.AddMinutes(3)), (loaded.SpecHash, loaded.Generation, loaded.UpdatedAt));
    }
}
