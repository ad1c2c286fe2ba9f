using Reconciler.Store.Contract;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteStatusTests : StoreTest
{
    private static StoredStatus Status(string kind, string name, string summary, int minutes = 0, string ns = "default") =>
        new(new StatusKey(kind, ns, name), $$"""{"observedGeneration":1,"summary":"{{summary}}"}""", summary, Sample.Now.AddMinutes(minutes));

    [Fact]
    public async Task SaveStatuses_RoundTripsOrderedByKindNamespaceAndName()
    {
        StoredStatus[] statuses =
        [
            Status("ProvisioningMapping", "eng", "3 create"),
            Status("DirectorySource", "corp", "120 users", ns: "team-b"),
            Status("DirectorySource", "corp", "80 users", ns: "team-a"),
            Status("DirectorySource", "alpha", "8 users", ns: "team-a"),
            Status("Configuration", "/etc/reconciler", "rev abc", ns: "") with { SpecHash = "abc", Generation = 3 },
        ];

        await Store.SaveStatusesAsync(statuses, default);

        Assert.Equal([statuses[4], statuses[3], statuses[2], statuses[1], statuses[0]], await Store.LoadStatusesAsync(default));
    }

    [Fact]
    public async Task SaveStatuses_TouchesOnlyTheGivenResources()
    {
        await Store.SaveStatusesAsync([Status("DirectorySource", "corp", "a"), Status("DirectorySource", "old", "b")], default);

        await Store.SaveStatusesAsync([Status("DirectorySource", "corp", "c", minutes: 1)], default);

        Assert.Equal([("corp", "c"), ("old", "b")], (await Store.LoadStatusesAsync(default)).Select(s => (s.Name, s.Summary)));
    }

    [Fact]
    public async Task SaveStatuses_Unchanged_WritesNothingAndKeepsItsTime()
    {
        await Store.SaveStatusesAsync([Status("DirectorySource", "corp", "a"), Status("DirectorySource", "ldap", "b")], default);
        using var observer = Folder.Connect();
        var version = StoreFolder.Scalar(observer, "PRAGMA data_version");

        await Store.SaveStatusesAsync([Status("DirectorySource", "corp", "a", minutes: 5), Status("DirectorySource", "ldap", "b", minutes: 5)], default);
        await WriteAsync(session => session.SaveStatuses([Status("DirectorySource", "corp", "a", minutes: 6)]));
        Assert.Equal(version, StoreFolder.Scalar(observer, "PRAGMA data_version"));

        await Store.SaveStatusesAsync([Status("DirectorySource", "corp", "a", minutes: 9), Status("DirectorySource", "ldap", "c", minutes: 9)], default);
        var loaded = await Store.LoadStatusesAsync(default);
        Assert.Equal(Sample.Now, loaded[0].UpdatedAt);
        Assert.Equal((Sample.Now.AddMinutes(9), "c"), (loaded[1].UpdatedAt, loaded[1].Summary));
    }

    [Fact]
    public async Task SaveStatuses_KeepsTheSpecHashAndGeneration_AndAChangedGenerationIsWritten()
    {
        await Store.SaveStatusesAsync([Status("DirectorySource", "corp", "a") with { SpecHash = "abc", Generation = 1 }], default);

        await Store.SaveStatusesAsync([Status("DirectorySource", "corp", "a", minutes: 3) with { SpecHash = "def", Generation = 2 }], default);

        var loaded = Assert.Single(await Store.LoadStatusesAsync(default));
        Assert.Equal(("def", 2L, Sample.Now.AddMinutes(3)), (loaded.SpecHash, loaded.Generation, loaded.UpdatedAt));
    }

    [Fact]
    public async Task SaveStatuses_InAWriteSession_CommitWithItOrNotAtAll()
    {
        await using (var session = await Store.OpenWriteAsync(default))
        {
            session.SaveStatuses([Status("DirectorySource", "corp", "never committed")]);
        }
        Assert.Empty(await Store.LoadStatusesAsync(default));

        await WriteAsync(session => session.SaveStatuses([Status("DirectorySource", "corp", "committed")]));
        Assert.Equal("committed", Assert.Single(await Store.LoadStatusesAsync(default)).Summary);
    }

    [Fact]
    public async Task DeleteStatus_RemovesThatResourceOnly()
    {
        StoredStatus[] statuses =
        [
            Status("DirectorySource", "corp", "a"),
            Status("DirectorySource", "corp", "b", ns: "team-a"),
            Status("ProvisioningMapping", "corp", "c"),
            Status("DirectorySource", "ldap", "d"),
        ];
        await Store.SaveStatusesAsync(statuses, default);

        await Store.DeleteStatusAsync(new StatusKey("DirectorySource", "default", "corp"), default);
        await Store.DeleteStatusAsync(new StatusKey("DirectorySource", "default", "never-declared"), default);

        Assert.Equal([statuses[3], statuses[1], statuses[2]], await Store.LoadStatusesAsync(default));
    }
}
