using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Tests.Sqlite;

/// <summary>What a write session refuses, and that nothing of a session is kept unless it commits.</summary>
public sealed class SqliteTransactionTests : StoreTest
{
    [Fact]
    public async Task Apply_CreateOfAUserWhoAlreadyHasARegistryRow_IsRefusedAndNothingIsKept()
    {
        await ProvisionAsync(1);
        var before = await FileBytesAsync();

        await using (var session = await Store.OpenWriteAsync(default))
        {
            session.Apply(Sample.Create(Sample.User(2)), Sample.Row(2), Sample.Context());
            var e = Assert.Throws<StoreConflictException>(() => session.Apply(Sample.Create(Sample.User(1) with { Mapping = "sales" }), Sample.Row(1), Sample.Context()));
            Assert.Equal("user corp/id-0000001 was provisioned by another writer meanwhile", e.Message);
            Assert.True(e.Transient);
        }

        Assert.Equal(before, await FileBytesAsync());
    }

    public static TheoryData<string> StaleChanges => ["update", "preserve", "disable", "restore"];

    [Theory]
    [MemberData(nameof(StaleChanges))]
    public async Task Apply_ChangeAtAStaleVersion_IsRefusedAndNothingIsKept(string kind)
    {
        var created = (await ProvisionAsync(1, 2))[0];
        var current = kind == "restore" ? await ApplyAsync(Sample.Preserve(created)) : await ApplyAsync(Sample.Move(created));
        var stale = current with { Version = current.Version - 1 };
        PlanAction change = kind switch
        {
            "update" => Sample.Move(stale, "ap-south"),
            "preserve" => Sample.Preserve(stale),
            "disable" => Sample.Disable(stale),
            _ => Sample.Restore(stale),
        };
        var other = (await FindAsync("corp", "id-0000002"))!.Provisioned!;
        var before = await FileBytesAsync();

        await using (var session = await Store.OpenWriteAsync(default))
        {
            session.PutImported("corp", Sample.Row(7));
            session.Apply(Sample.Preserve(other), null, Sample.Context());
            var e = Assert.Throws<StoreConflictException>(() => session.Apply(change, Sample.Row(1), Sample.Context()));
            Assert.Equal($"user corp/id-0000001 was changed by another writer meanwhile (expected version {stale.Version})", e.Message);
        }

        Assert.Equal(before, await FileBytesAsync());
    }

    [Fact]
    public async Task Apply_ChangeOfAUserWithoutARegistryRow_IsRefused()
    {
        await WriteAsync(session => session.PutImported("corp", Sample.Row(1)));
        var before = await FileBytesAsync();

        await using (var session = await Store.OpenWriteAsync(default))
        {
            Assert.Throws<StoreConflictException>(() => session.Apply(Sample.Move(Sample.User(1)), Sample.Row(1), Sample.Context()));
            Assert.Throws<StoreConflictException>(() => session.Apply(Sample.Preserve(Sample.User(2)), null, Sample.Context()));
        }

        Assert.Equal(before, await FileBytesAsync());
        Assert.Equal(0, await ReadAsync(s => s.RegistryCount));
    }

    [Theory]
    [InlineData("user1@example.com")]
    [InlineData("USER1@Example.COM")]
    public async Task Apply_SecondUserTakingAHeldEmail_IsRefusedAndNothingIsKept(string email)
    {
        var holders = await ProvisionAsync(1, 2);
        var before = await FileBytesAsync();
        var newcomer = Sample.User(3) with { Details = Sample.User(3).Details with { Email = email } };
        var mover = holders[1] with { Details = holders[1].Details with { Email = email } };

        await using (var session = await Store.OpenWriteAsync(default))
        {
            session.Apply(Sample.Create(Sample.User(4)), Sample.Row(4), Sample.Context());
            var created = Assert.Throws<StoreConflictException>(() => session.Apply(Sample.Create(newcomer), Sample.Row(3), Sample.Context()));
            var updated = Assert.Throws<StoreConflictException>(() => session.Apply(new Update(holders[1], mover, [], "email changed"), null, Sample.Context()));
            Assert.Equal($"email {email} of user corp/id-0000003 is already held by another registry row", created.Message);
            Assert.Equal($"email {email} of user corp/id-0000002 is already held by another registry row", updated.Message);
        }

        Assert.Equal(before, await FileBytesAsync());
    }

    [Fact]
    public async Task Apply_RowTheTableRefuses_IsAStoreErrorNamingTheStoreAndNothingIsKept()
    {
        await ProvisionAsync(1);
        var before = await FileBytesAsync();

        await using (var session = await Store.OpenWriteAsync(default))
        {
            session.Apply(Sample.Create(Sample.User(2)), Sample.Row(2), Sample.Context());
            var e = Assert.Throws<StoreException>(() => session.Apply(Sample.Create(Sample.User(3) with { QuotaBytes = -1 }), null, Sample.Context()));
            Assert.StartsWith($"store {Folder.StorePath} refused a change: ", e.Message);
            Assert.Contains("CHECK constraint", e.Message);
        }

        Assert.Equal(before, await FileBytesAsync());
    }

    [Fact]
    public async Task Dispose_WithoutCommit_RollsBackEverything()
    {
        var users = await ProvisionAsync(1, 2);
        var before = await FileBytesAsync();

        await using (var session = await Store.OpenWriteAsync(default))
        {
            session.PutImported("corp", Sample.Row(5));
            session.PutImported("ldap", Sample.Row(6));
            session.RemoveImported("corp", "id-0000001");
            session.Apply(Sample.Create(Sample.User(3)), Sample.Row(3), Sample.Context());
            session.Apply(Sample.Preserve(users[1]), null, Sample.Context());
            session.SaveSource(new SourceRecord { Name = "corp", Cursor = "usn:9" }, snapshotChanged: true);
            session.RecountSource("corp");
            session.ReplacePending("corp", [new PendingEntry("corp", "id-0000005", PendingKind.Conflict, "engineering")], null);
            session.SaveStatuses([new StoredStatus(new StatusKey("DirectorySource", "default", "corp"), "{}", "x", Sample.Now)]);
        }

        Assert.Equal(before, await FileBytesAsync());
    }

    [Fact]
    public async Task Commit_Cancelled_KeepsNothing()
    {
        await ProvisionAsync(1);
        var before = await FileBytesAsync();
        using var cancellation = new CancellationTokenSource();

        await using (var session = await Store.OpenWriteAsync(default))
        {
            for (var i = 2; i < 3000; i++) session.Apply(Sample.Create(Sample.User(i)), Sample.Row(i), Sample.Context());
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.CommitAsync(cancellation.Token));
        }

        Assert.Equal(before, await FileBytesAsync());
    }

    [Fact]
    public async Task Dispose_Twice_IsHarmless()
    {
        var write = await Store.OpenWriteAsync(default);
        write.PutImported("corp", Sample.Row(1));
        await write.DisposeAsync();
        await write.DisposeAsync();
        var read = await Store.OpenReadAsync(default);
        await read.DisposeAsync();
        await read.DisposeAsync();

        await using var next = await Store.OpenWriteAsync(default);
        Assert.Null(next.Find("corp", "id-0000001"));
    }

    [Fact]
    public async Task Commit_MovesTheRegistrySequenceOnlyWhenRegistryRowsWereWritten()
    {
        Assert.Equal(0, await ReadAsync(s => s.RegistrySeq));

        await WriteAsync(session =>
        {
            session.PutImported("corp", Sample.Row(1));
            session.SaveSource(new SourceRecord { Name = "corp", Cursor = "usn:1" }, snapshotChanged: true);
            session.ReplacePending("corp", [new PendingEntry("corp", "id-0000001", PendingKind.HeldBack)], null);
            session.RecountSource("corp");
        });
        Assert.Equal(0, await ReadAsync(s => s.RegistrySeq));

        var users = await ProvisionAsync(1, 2, 3);
        Assert.Equal(1, await ReadAsync(s => s.RegistrySeq));

        await WriteAsync(session => session.RemoveImported("corp", "id-0000003"));
        Assert.Equal(1, await ReadAsync(s => s.RegistrySeq));

        await WriteAsync(session =>
        {
            session.Apply(Sample.Preserve(users[0]), null, Sample.Context());
            session.Apply(Sample.Move(users[1]), null, Sample.Context());
        });
        Assert.Equal(2, await ReadAsync(s => s.RegistrySeq));
    }

    [Fact]
    public async Task OpenWrite_WhileAnotherProcessWrites_SaysTheStoreIsBusyAndThatTryingAgainMayWork()
    {
        using var other = Folder.Connect();
        StoreFolder.Execute(other, "BEGIN IMMEDIATE");

        var e = await Assert.ThrowsAnyAsync<StoreException>(() => Store.OpenWriteAsync(default));

        Assert.Equal($"store {Folder.StorePath} is busy: another reconciler process is writing to it; try again when it has finished", e.Message);
        Assert.True(e.Transient);
        StoreFolder.Execute(other, "ROLLBACK");
        await using var session = await Store.OpenWriteAsync(default);
    }
    [Fact]
    public async Task AFirstImportOfThousands_BuildsTheEmailIndexAtCommit_AndItGuardsEmailsAfterwards()
    {
        // A large first import defers the email index to its commit: the index must come back exactly as declared.
        await WriteAsync(session =>
        {
            for (var i = 1; i <= 2_000; i++) session.Apply(Sample.Create(Sample.User(i)), Sample.Row(i), Sample.Context());
        });

        using (var observer = Folder.Connect())
        {
            using var select = observer.CreateCommand();
            select.CommandText = "SELECT sql FROM sqlite_schema WHERE name = 'users_by_email'";
            Assert.Equal(Reconciler.Store.Sqlite.SqliteSchema.UsersByEmail, (string?)select.ExecuteScalar());
        }
        Assert.Equal(2_000, (await Store.CountUsersAsync(default)).Values.Sum());
        var taken = Sample.User(2_001) with { Details = Sample.User(2_001).Details with { Email = Sample.User(7).Email.ToUpperInvariant() } };
        await using var later = await Store.OpenWriteAsync(default);
        Assert.Throws<StoreConflictException>(() => later.Apply(Sample.Create(taken), Sample.Row(2_001), Sample.Context()));
    }

    [Fact]
    public async Task AFirstImportOfThousandsWithTwoUsersOfOneEmail_FailsAtCommit_AndLeavesTheStoreAsItWas()
    {
        var before = await FileBytesAsync();
        var twin = Sample.User(1_500) with { Details = Sample.User(1_500).Details with { Email = Sample.User(3).Email } };

        await using (var session = await Store.OpenWriteAsync(default))
        {
            for (var i = 1; i <= 2_000; i++) session.Apply(Sample.Create(i == 1_500 ? twin : Sample.User(i)), Sample.Row(i), Sample.Context());
            var refused = await Assert.ThrowsAsync<StoreConflictException>(() => session.CommitAsync(default));
            Assert.Contains("same email", refused.Message);
        }

        Assert.Equal(before, await FileBytesAsync());
        using var observer = Folder.Connect();
        Assert.Equal(1, StoreFolder.Scalar(observer, "SELECT count(*) FROM sqlite_schema WHERE name = 'users_by_email'"));
    }
}
