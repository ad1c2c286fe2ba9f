using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteSourceTests : StoreTest
{
    [Fact]
    public async Task CountUsers_OfAnEmptyStore_GivesZeroForEveryState()
    {
        var counts = await Store.CountUsersAsync(default);

        Assert.Equal([(UserState.Active, 0), (UserState.Preserved, 0), (UserState.Disabled, 0)],
            counts.OrderBy(c => c.Key).Select(c => (c.Key, c.Value)));
    }

    [Fact]
    public async Task Counters_FollowEveryChange_PerSourceAndState()
    {
        var users = await ProvisionAsync(1, 2, 3, 4);
        await ApplyAsync(Sample.Create(Sample.User(9, "ldap")));
        Assert.Equal(Counts(4), await UsersOf("corp"));

        var preserved = await ApplyAsync(Sample.Preserve(users[0]));
        Assert.Equal(Counts(3, 1), await UsersOf("corp"));

        await ApplyAsync(Sample.Disable(users[1]));
        Assert.Equal(Counts(2, 1, 1), await UsersOf("corp"));

        await ApplyAsync(Sample.Restore(preserved));
        Assert.Equal(Counts(3, 0, 1), await UsersOf("corp"));

        await ApplyAsync(Sample.Move(users[2]));
        Assert.Equal(Counts(3, 0, 1), await UsersOf("corp"));

        await WriteAsync(session =>
        {
            var stored = session.Find("corp", users[3].ExternalId)!.Provisioned!;
            var gone = Sample.Preserve(stored);
            session.Apply(gone, null, Sample.Context());
            session.Apply(Sample.Disable(gone.After with { Version = stored.Version + 1 }), null, Sample.Context());
        });
        Assert.Equal(Counts(2, 0, 2), await UsersOf("corp"));
        Assert.Equal(Counts(1), await UsersOf("ldap"));
        var total = await Store.CountUsersAsync(default);
        Assert.Equal((3, 0, 2), (total[UserState.Active], total[UserState.Preserved], total[UserState.Disabled]));
        Assert.Equal(5, await ReadAsync(s => s.RegistryCount));
    }

    [Fact]
    public async Task Counters_AreNotMovedByARefusedChange()
    {
        var users = await ProvisionAsync(1);

        await WriteAsync(session =>
        {
            Assert.Throws<StoreConflictException>(() => session.Apply(Sample.Create(Sample.User(1)), null, Sample.Context()));
            Assert.Throws<StoreConflictException>(() => session.Apply(Sample.Preserve(users[0] with { Version = 7 }), null, Sample.Context()));
            session.Apply(Sample.Create(Sample.User(2)), null, Sample.Context());
        });

        Assert.Equal(Counts(2), await UsersOf("corp"));
    }

    [Fact]
    public async Task RecountSource_CountsRegistryRowsAndImportedUsersFromTheRowsThemselves()
    {
        var users = await ProvisionAsync(1, 2, 3);
        await ApplyAsync(Sample.Preserve(users[0]));
        await WriteAsync(session =>
        {
            session.PutImported("corp", Sample.Row(4));
            session.RemoveImported("corp", "id-0000002");
            session.PutImported("ldap", Sample.Row(5));
        });
        using (var other = Folder.Connect())
        {
            StoreFolder.Execute(other, "UPDATE sources SET active = 40, preserved = 41, disabled = 42, imported_users = 43");
        }

        await WriteAsync(session => session.RecountSource("corp"));

        var corp = (await ReadAsync(s => s.Source("corp")))!;
        Assert.Equal((Counts(2, 1), 3), (corp.Users, corp.ImportedUsers));
        Assert.Equal(Counts(40, 41, 42), await UsersOf("ldap"));
    }

    [Fact]
    public async Task RecountSource_IncludesTheChangesOfItsOwnSession()
    {
        var users = await ProvisionAsync(1, 2);

        await WriteAsync(session =>
        {
            session.Apply(Sample.Preserve(users[0]), null, Sample.Context());
            session.RecountSource("corp");
            session.Apply(Sample.Disable(users[1]), null, Sample.Context());
        });

        Assert.Equal(Counts(0, 1, 1), await UsersOf("corp"));
    }

    [Fact]
    public async Task SaveSource_StoresTheHeaderAndItsPlanMemo()
    {
        var memo = new PlanMemo("sha256:abc", 4, 9, Complete: true, Sample.Now.AddHours(-3),
            new Dictionary<string, MappingTally> { ["engineering"] = new(120, 118, 2), ["sales"] = new(0, 0, 0) }, Conflicts: 2, HeldBack: 5);
        var record = new SourceRecord
        {
            Name = "team-a/corp",
            Cursor = "usn:12345",
            Complete = false,
            Failed = true,
            Problems = ["users.csv:4: id is empty", "users.csv:9: enabled is 'maybe' \"quoted\" ü"],
            ReadAt = Sample.Now,
            Duration = TimeSpan.FromMilliseconds(1234),
            GroupsSeen = 7,
            FullReadAt = Sample.Now.AddHours(-1),
            ImportedUsers = 120,
            Memo = memo,
            SnapshotSeq = 99,
            Users = Counts(99, 99, 99),
        };

        await WriteAsync(session => session.SaveSource(record, snapshotChanged: true));

        var stored = (await ReadAsync(s => s.Source("team-a/corp")))!;
        IReadOnlyList<string> noProblems = [];
        var noTallies = new Dictionary<string, MappingTally>();
        Assert.Equal(record with { Memo = null, SnapshotSeq = 1, Users = StateCounts.Zero, Problems = noProblems }, stored with { Memo = null, Problems = noProblems });
        Assert.Equal(record.Problems, stored.Problems);
        Assert.Equal(memo with { Tallies = noTallies }, stored.Memo! with { Tallies = noTallies });
        Assert.Equal(memo.Tallies.OrderBy(t => t.Key), stored.Memo!.Tallies.OrderBy(t => t.Key));
    }

    [Fact]
    public async Task SaveSource_WithoutACursorOrMemo_KeepsThemEmpty()
    {
        await WriteAsync(session => session.SaveSource(new SourceRecord { Name = "corp", Cursor = "usn:1", Memo = null }, false));
        await WriteAsync(session => session.SaveSource(new SourceRecord { Name = "corp", Cursor = null, ReadAt = null }, false));

        var stored = (await ReadAsync(s => s.Source("corp")))!;
        Assert.Equal((null, null, null, null), (stored.Cursor, stored.ReadAt, stored.FullReadAt, stored.Memo));
        Assert.Empty(stored.Problems);
    }

    [Fact]
    public async Task SaveSource_MovesTheSnapshotSequenceOnlyWhenTheSnapshotChanged()
    {
        await WriteAsync(session => session.SaveSource(new SourceRecord { Name = "corp" }, snapshotChanged: false));
        Assert.Equal(0, (await ReadAsync(s => s.Source("corp")))!.SnapshotSeq);

        await WriteAsync(session => session.SaveSource(new SourceRecord { Name = "corp", Cursor = "a" }, snapshotChanged: true));
        await WriteAsync(session => session.SaveSource(new SourceRecord { Name = "corp", Cursor = "b" }, snapshotChanged: true));
        await WriteAsync(session => session.SaveSource(new SourceRecord { Name = "corp", Cursor = "c" }, snapshotChanged: false));

        var stored = (await ReadAsync(s => s.Source("corp")))!;
        Assert.Equal((2L, "c"), (stored.SnapshotSeq, stored.Cursor));
    }

    [Fact]
    public async Task SaveSource_LeavesTheCountersToTheStore()
    {
        await ProvisionAsync(1, 2);

        await WriteAsync(session => session.SaveSource(new SourceRecord { Name = "corp", Users = StateCounts.Zero }, snapshotChanged: true));

        Assert.Equal(Counts(2), await UsersOf("corp"));
    }

    private Task<StateCounts> UsersOf(string source) => ReadAsync(s => s.Source(source)!.Users);
}
