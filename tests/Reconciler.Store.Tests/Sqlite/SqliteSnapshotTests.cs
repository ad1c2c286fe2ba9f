using Reconciler.Core.Directory;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteSnapshotTests : StoreTest
{
    [Fact]
    public async Task LoadSnapshot_OfSourceNeverSynced_IsNull()
    {
        await Store.SaveSnapshotAsync(Sample.Snapshot(2, "other"), default);
        Assert.Null(await Store.LoadSnapshotAsync("corp", default));
    }

    [Fact]
    public async Task SaveSnapshot_RoundTripsUsersInTheirOrderWithFlagsAndProblems()
    {
        var users = Enumerable.Range(0, 6).Reverse().Select(Sample.Imported).ToList();
        var snapshot = Sample.Snapshot(0) with
        {
            Users = users,
            Complete = false,
            Failed = true,
            Problems = ["users.csv:4: id is empty", "users.csv:9: enabled is 'maybe'"],
            Cursor = null,
            GroupsSeen = 7,
        };

        Assert.True(await Store.SaveSnapshotAsync(snapshot, default));
        var loaded = await Store.LoadSnapshotAsync("corp", default);

        Assert.NotNull(loaded);
        Assert.Equal(("corp", false, true, null, 7), (loaded.Source, loaded.Complete, loaded.Failed, loaded.Cursor, loaded.GroupsSeen));
        Assert.Equal(snapshot.Problems, loaded.Problems);
        Assert.Equal(Sample.Now, loaded.ReadAt);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), loaded.Duration);
        Assert.Equal(users.Count, loaded.Users.Count);
        for (var i = 0; i < users.Count; i++) AssertSameUser(users[i], loaded.Users[i]);
        Assert.Null(loaded.Users[0].Attributes);
        Assert.Equal("a,b", loaded.Users[1].Attributes!["quote\"d"]);
        Assert.Equal(["cn=eng,ou=groups,dc=example,dc=com", "cn=all;staff"], loaded.Users[1].Groups);
        Assert.False(loaded.Users[5].Enabled);
    }

    [Fact]
    public async Task SaveSnapshot_UserWithOnlyAnId_RoundTripsEmptyFields()
    {
        var sparse = new ImportedUser { Id = "x1", Attributes = new Dictionary<string, string>() };

        await Store.SaveSnapshotAsync(Sample.Snapshot(0) with { Users = [sparse], Cursor = "" }, default);
        var loaded = await Store.LoadSnapshotAsync("corp", default);

        AssertSameUser(sparse, Assert.Single(loaded!.Users));
        Assert.Empty(loaded.Users[0].Attributes!);
        Assert.Equal("", loaded.Cursor);
    }

    [Fact]
    public async Task SaveSnapshot_Unchanged_ReturnsFalseAndWritesNothing()
    {
        Assert.True(await Store.SaveSnapshotAsync(Sample.Snapshot(50), default));
        using var observer = Folder.Connect();
        var version = StoreFolder.Scalar(observer, "PRAGMA data_version");

        var again = Sample.Snapshot(50) with { ReadAt = Sample.Now.AddHours(1), Duration = TimeSpan.FromSeconds(9) };
        Assert.False(await Store.SaveSnapshotAsync(again, default));
        Assert.Equal(version, StoreFolder.Scalar(observer, "PRAGMA data_version"));
        Assert.Equal(Sample.Now, (await Store.LoadSnapshotAsync("corp", default))!.ReadAt);

        var changed = Sample.Snapshot(50);
        changed = changed with { Users = [.. changed.Users.Take(49), changed.Users[49] with { Details = changed.Users[49].Details with { Department = "Sales" } }] };
        Assert.True(await Store.SaveSnapshotAsync(changed, default));
        Assert.NotEqual(version, StoreFolder.Scalar(observer, "PRAGMA data_version"));
    }

    [Theory]
    [InlineData("cursor")]
    [InlineData("complete")]
    [InlineData("order")]
    [InlineData("attributes")]
    public async Task SaveSnapshot_DifferenceInCursorCompletenessOrOrder_IsSaved(string what)
    {
        var snapshot = Sample.Snapshot(4);
        await Store.SaveSnapshotAsync(snapshot, default);

        var changed = what switch
        {
            "cursor" => snapshot with { Cursor = "usn:12346" },
            "complete" => snapshot with { Complete = false },
            "order" => snapshot with { Users = [.. snapshot.Users.Reverse()] },
            _ => snapshot with { Users = [snapshot.Users[0] with { Attributes = new Dictionary<string, string>() }, .. snapshot.Users.Skip(1)] },
        };

        Assert.True(await Store.SaveSnapshotAsync(changed, default));
    }

    [Fact]
    public async Task SaveSnapshot_ReplacesThatSourceOnly()
    {
        await Store.SaveSnapshotAsync(Sample.Snapshot(10), default);
        await Store.SaveSnapshotAsync(Sample.Snapshot(3, "ldap"), default);

        await Store.SaveSnapshotAsync(Sample.Snapshot(4), default);

        Assert.Equal(4, (await Store.LoadSnapshotAsync("corp", default))!.Users.Count);
        Assert.Equal(3, (await Store.LoadSnapshotAsync("ldap", default))!.Users.Count);
    }

    [Fact]
    public async Task SaveSnapshot_WithOneIdTwice_FailsAndKeepsThePreviousSnapshot()
    {
        await Store.SaveSnapshotAsync(Sample.Snapshot(3), default);
        var twice = Sample.Snapshot(0) with { Users = [Sample.Imported(1), Sample.Imported(2), Sample.Imported(1)] };

        var e = await Assert.ThrowsAsync<StoreException>(() => Store.SaveSnapshotAsync(twice, default));

        Assert.Contains("'id-0000001' twice", e.Message);
        Assert.Equal(3, (await Store.LoadSnapshotAsync("corp", default))!.Users.Count);
    }

    private static void AssertSameUser(ImportedUser expected, ImportedUser actual)
    {
        Assert.Equal(expected with { Groups = [], Attributes = null }, actual with { Groups = [], Attributes = null });
        Assert.Equal(expected.Groups, actual.Groups);
        Assert.Equal(expected.Attributes?.OrderBy(a => a.Key), actual.Attributes?.OrderBy(a => a.Key));
    }
}
