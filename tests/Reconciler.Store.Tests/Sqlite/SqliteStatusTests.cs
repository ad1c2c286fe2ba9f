using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteStatusTests : StoreTest
{
    private static StoredStatus Status(string kind, string name, string summary, int minutes = 0) =>
        new(kind, name, $$"""{"observedGeneration":1,"summary":"{{summary}}"}""", summary, Sample.Now.AddMinutes(minutes));

    [Fact]
    public async Task SaveStatus_RoundTripsOrderedByKindAndName()
    {
        StoredStatus[] statuses = [Status("ProvisioningMapping", "eng", "3 create"), Status("DirectorySource", "corp", "120 users")];

        await Store.SaveStatusAsync(statuses, default);

        Assert.Equal([statuses[1], statuses[0]], await Store.LoadStatusAsync(default));
    }

    [Fact]
    public async Task SaveStatus_ForgetsResourcesNoLongerDeclared()
    {
        await Store.SaveStatusAsync([Status("DirectorySource", "corp", "a"), Status("DirectorySource", "old", "b")], default);

        await Store.SaveStatusAsync([Status("DirectorySource", "corp", "a")], default);

        Assert.Equal(["corp"], (await Store.LoadStatusAsync(default)).Select(s => s.Name));
    }

    [Fact]
    public async Task SaveStatus_Unchanged_WritesNothingAndKeepsItsTime()
    {
        await Store.SaveStatusAsync([Status("DirectorySource", "corp", "a"), Status("DirectorySource", "ldap", "b")], default);
        using var observer = Folder.Connect();
        var version = StoreFolder.Scalar(observer, "PRAGMA data_version");

        await Store.SaveStatusAsync([Status("DirectorySource", "corp", "a", minutes: 5), Status("DirectorySource", "ldap", "b", minutes: 5)], default);
        Assert.Equal(version, StoreFolder.Scalar(observer, "PRAGMA data_version"));

        await Store.SaveStatusAsync([Status("DirectorySource", "corp", "a", minutes: 9), Status("DirectorySource", "ldap", "c", minutes: 9)], default);
        var loaded = await Store.LoadStatusAsync(default);
        Assert.Equal(Sample.Now, loaded[0].UpdatedAt);
        Assert.Equal((Sample.Now.AddMinutes(9), "c"), (loaded[1].UpdatedAt, loaded[1].Summary));
    }

    [Fact]
    public async Task SaveStatus_KeepsTheSpecHashAndGeneration_AndAChangedGenerationIsWritten()
    {
        await Store.SaveStatusAsync([Status("DirectorySource", "corp", "a") with { SpecHash = "abc", Generation = 1 }], default);

        await Store.SaveStatusAsync([Status("DirectorySource", "corp", "a", minutes: 3) with { SpecHash = "def", Generation = 2 }], default);

        var loaded = Assert.Single(await Store.LoadStatusAsync(default));
        Assert.Equal(("def", 2L, Sample.Now.AddMinutes(3)), (loaded.SpecHash, loaded.Generation, loaded.UpdatedAt));
    }
}
