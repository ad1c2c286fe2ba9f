using Reconciler.Store.Contract;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqlitePendingTests : StoreTest
{
    private static readonly PendingEntry Conflict =
        new("corp", "id-0000002", PendingKind.Conflict, "engineering", "ldap", "sales", "email user2@example.com is held by ldap/u-9");

    private static readonly PendingEntry HeldBack = new("corp", "id-0000001", PendingKind.HeldBack, "engineering", Message: "deletion guard");

    private static readonly PendingEntry Written = new("corp", "id-0000001", PendingKind.Written);

    [Fact]
    public async Task ReplacePending_StoresEveryFieldInIdThenKindOrder()
    {
        await WriteAsync(session => session.ReplacePending("corp", [Conflict, Written, HeldBack], null));

        Assert.Equal([HeldBack, Written, Conflict], await ReadAsync(s => s.Pending("corp")));
    }

    [Fact]
    public async Task ReplacePending_ReplacesThatSourcesEntriesOnly()
    {
        var other = new PendingEntry("ldap", "u-9", PendingKind.Conflict, "sales");
        await WriteAsync(session =>
        {
            session.ReplacePending("corp", [Conflict, HeldBack], null);
            session.ReplacePending("ldap", [other], null);
        });

        await WriteAsync(session => session.ReplacePending("corp", [Written], null));
        Assert.Equal([Written], await ReadAsync(s => s.Pending("corp")));
        Assert.Equal([other], await ReadAsync(s => s.Pending("ldap")));

        await WriteAsync(session => session.ReplacePending("corp", [], null));
        Assert.Empty(await ReadAsync(s => s.Pending("corp")));
        Assert.Equal([other], await ReadAsync(s => s.Pending()));
    }

    [Fact]
    public async Task ReplacePending_WithThePlannedMarks_ClearsThoseAndKeepsTheMarksNotPlanned()
    {
        var later = new PendingEntry("corp", "id-0000003", PendingKind.Written);
        await WriteAsync(session => session.ReplacePending("corp", [Conflict, Written, later], null));

        await WriteAsync(session => session.ReplacePending("corp", [HeldBack], ["id-0000001"]));

        Assert.Equal([HeldBack, later], await ReadAsync(s => s.Pending("corp")));
    }

    [Fact]
    public async Task ReplacePending_WithNoMarksPlannedAndTheEntriesStored_WritesNothing()
    {
        await WriteAsync(session => session.ReplacePending("corp", [Conflict, Written], null));
        using var observer = Folder.Connect();
        var version = StoreFolder.Scalar(observer, "PRAGMA data_version");

        await WriteAsync(session => session.ReplacePending("corp", [Conflict], []));

        Assert.Equal(version, StoreFolder.Scalar(observer, "PRAGMA data_version"));
        Assert.Equal([Written, Conflict], await ReadAsync(s => s.Pending("corp")));
    }

    [Fact]
    public async Task ReplacePending_WithTheEntriesStored_WritesNothing()
    {
        await WriteAsync(session => session.ReplacePending("corp", [Conflict, HeldBack], null));
        using var observer = Folder.Connect();
        var version = StoreFolder.Scalar(observer, "PRAGMA data_version");

        await WriteAsync(session => session.ReplacePending("corp", [HeldBack, Conflict], null));
        await WriteAsync(session => session.ReplacePending("ldap", [], null));
        Assert.Equal(version, StoreFolder.Scalar(observer, "PRAGMA data_version"));

        await WriteAsync(session => session.ReplacePending("corp", [HeldBack, Conflict with { Message = "still held" }], null));
        Assert.NotEqual(version, StoreFolder.Scalar(observer, "PRAGMA data_version"));
        Assert.Equal("still held", (await ReadAsync(s => s.Pending("corp")))[1].Message);
    }

    [Fact]
    public async Task ReplacePending_ClearingPlannedMarks_LeavesTheUnchangedConflictsAlone()
    {
        // A pass over pushed users clears its marks every 80 ms: rewriting the source's conflicts each time was
        // work under the write lock that changed nothing.
        var later = new PendingEntry("corp", "id-0000003", PendingKind.Written);
        await WriteAsync(session => session.ReplacePending("corp", [Conflict, HeldBack, Written, later], null));
        using (var setup = Folder.Connect())
        {
            StoreFolder.Execute(setup, """
                CREATE TABLE removed (external_id TEXT, kind TEXT);
                CREATE TRIGGER count_removed AFTER DELETE ON pending BEGIN INSERT INTO removed VALUES (old.external_id, old.kind); END;
                """);
        }

        await WriteAsync(session => session.ReplacePending("corp", [HeldBack, Conflict], ["id-0000001", "id-0000009"]));

        using var observer = Folder.Connect();
        Assert.Equal(1, StoreFolder.Scalar(observer, "SELECT count(*) FROM removed"));
        Assert.Equal(1, StoreFolder.Scalar(observer, "SELECT count(*) FROM removed WHERE external_id = 'id-0000001' AND kind = 'Written'"));
        Assert.Equal([HeldBack, Conflict, later], await ReadAsync(s => s.Pending("corp")));
    }

    [Fact]
    public async Task Pending_WithoutASource_ListsEverySourcesEntries_InSourceOrder()
    {
        var ldap = new PendingEntry("ldap", "u-1", PendingKind.HeldBack);
        var team = new PendingEntry("team-a/corp", "a", PendingKind.Written);
        await WriteAsync(session =>
        {
            session.ReplacePending("team-a/corp", [team], null);
            session.ReplacePending("ldap", [ldap], null);
            session.ReplacePending("corp", [Conflict], null);
        });

        Assert.Equal([Conflict, ldap, team], await ReadAsync(s => s.Pending()));
    }

    [Fact]
    public async Task Pending_OfASourceNeverStored_IsEmpty()
    {
        await WriteAsync(session => session.ReplacePending("corp", [Conflict], null));

        Assert.Empty(await ReadAsync(s => s.Pending("never-read")));
    }

    [Fact]
    public async Task ReplacePending_OfANewSource_StoresItsEntriesOnly()
    {
        await WriteAsync(session => session.ReplacePending("corp", [Conflict], null));

        var entry = new PendingEntry("ldap", "u-1", PendingKind.HeldBack);
        await WriteAsync(session => session.ReplacePending("ldap", [entry], null));

        Assert.Equal([Conflict, entry], await ReadAsync(s => s.Pending()));
    }

    [Fact]
    public async Task ReplacePending_TwiceInOneSession_KeepsWhatTheLastSaid()
    {
        await WriteAsync(session => session.ReplacePending("corp", [Conflict], null));

        await WriteAsync(session =>
        {
            session.ReplacePending("corp", [HeldBack], null);
            session.ReplacePending("corp", [Conflict], null);
        });

        Assert.Equal([Conflict], await ReadAsync(s => s.Pending("corp")));
    }

    [Fact]
    public async Task ReplacePending_OfANewSourceTwiceInOneSession_KeepsWhatTheLastSaid()
    {
        var entry = new PendingEntry("ldap", "u-1", PendingKind.HeldBack);

        await WriteAsync(session =>
        {
            session.ReplacePending("ldap", [entry], null);
            session.ReplacePending("ldap", [], null);
        });

        Assert.Empty(await ReadAsync(s => s.Pending()));
    }
}
