using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteScimStoreTests : StoreTest
{
    private static ScimWrite Create(string id, string userName, int user) =>
        new("scim", ScimKind.User, id, null, new ScimResourceBody(userName, null, $$"""{"id":"{{id}}","userName":"{{userName}}"}""", []),
            Sample.Now, [ImportedRow.Of(Sample.Imported(user) with { Id = id })], []);

    /// <summary>One write as a group commit of one: the stored resource, or the refusal thrown.</summary>
    private async Task<StoredScimResource?> WriteScimAsync(ScimWrite write, CancellationToken cancellationToken)
    {
        var result = Assert.Single(await Store.WriteResourcesAsync([write], cancellationToken));
        return result.Refused is { } refused ? throw refused : result.Stored;
    }

    [Fact]
    public async Task ACreatedUser_IsFoundByIdAndByNameIgnoringCase_WithItsImportedEntryMarkedForTheNextPlan()
    {
        var stored = await WriteScimAsync(Create("u-1", "Ada@Example.com", 1), default);

        Assert.Equal(1, stored!.Version);
        // What a write gives back is what a read finds.
        Assert.Equal(stored with { Members = [] }, (await Store.GetResourceAsync("scim", ScimKind.User, "u-1", default))! with { Members = [] });
        Assert.Equal("u-1", (await Store.FindResourceByNameAsync("scim", ScimKind.User, "ADA@example.COM", default))!.Id);
        Assert.Equal("""{"id":"u-1","userName":"Ada@Example.com"}""", (await Store.GetResourceAsync("scim", ScimKind.User, "u-1", default))!.Json);
        await using var session = await Store.OpenReadAsync(default);
        Assert.NotNull(session.Find("scim", "u-1")!.Imported);
        Assert.Equal(1, session.Source("scim")!.ImportedUsers);
        Assert.Equal([new PendingEntry("scim", "u-1", PendingKind.Written)], session.Pending("scim"));
    }

    [Fact]
    public async Task ASecondUserWithTheSameNameInAnotherCase_IsRefused_AndNothingOfItIsStored()
    {
        await WriteScimAsync(Create("u-1", "ada@example.com", 1), default);

        var refused = await Assert.ThrowsAsync<ScimConflictException>(() => WriteScimAsync(Create("u-2", "ADA@example.com", 2), default));

        Assert.False(refused.VersionMismatch);
        Assert.Contains("userName", refused.Message);
        Assert.Null(await Store.GetResourceAsync("scim", ScimKind.User, "u-2", default));
        await using var session = await Store.OpenReadAsync(default);
        Assert.Null(session.Find("scim", "u-2"));
        Assert.Equal(1, session.Source("scim")!.ImportedUsers);
    }

    [Fact]
    public async Task ACreateWithAnIdAlreadyTaken_IsAConflictOnTheId_NotOnTheName()
    {
        await WriteScimAsync(Create("u-1", "ada@example.com", 1), default);

        var refused = await Assert.ThrowsAsync<ScimConflictException>(() => WriteScimAsync(Create("u-1", "alan@example.com", 2), default));

        Assert.Equal("a User with the id 'u-1' already exists", refused.Message);
        Assert.Null(await Store.FindResourceByNameAsync("scim", ScimKind.User, "alan@example.com", default));
    }

    [Fact]
    public async Task ReplaceAndDelete_CompareTheVersion_AndADeleteDropsTheImportedEntry()
    {
        await WriteScimAsync(Create("u-1", "ada@example.com", 1), default);
        var body = new ScimResourceBody("ada@example.com", "ext-1", """{"id":"u-1","userName":"ada@example.com","title":"CTO"}""", []);

        var replaced = await WriteScimAsync(new ScimWrite("scim", ScimKind.User, "u-1", 1, body, Sample.Now.AddMinutes(1), [], []), default);
        var stale = await Assert.ThrowsAsync<ScimConflictException>(() =>
            WriteScimAsync(new ScimWrite("scim", ScimKind.User, "u-1", 1, body, Sample.Now, [], []), default));
        await WriteScimAsync(new ScimWrite("scim", ScimKind.User, "u-1", 2, null, Sample.Now, [], ["u-1"]), default);
        var gone = await Assert.ThrowsAsync<ScimNotFoundException>(() =>
            WriteScimAsync(new ScimWrite("scim", ScimKind.User, "u-1", 3, null, Sample.Now, [], ["u-1"]), default));

        Assert.Equal((2L, "ext-1"), (replaced!.Version, replaced.ExternalId));
        Assert.Equal((Sample.Now, Sample.Now.AddMinutes(1)), (replaced.CreatedAt, replaced.UpdatedAt));
        Assert.True(stale.VersionMismatch);
        Assert.Contains("not found", gone.Message);
        await using var session = await Store.OpenReadAsync(default);
        Assert.Null(session.Find("scim", "u-1"));
        Assert.Equal(0, session.Source("scim")!.ImportedUsers);
    }

    [Fact]
    public async Task GroupMembers_AreListedBothWays_AndADeletedUserLeavesItsGroups()
    {
        await WriteScimAsync(Create("u-1", "ada@example.com", 1), default);
        await WriteScimAsync(Create("u-2", "alan@example.com", 2), default);
        var group = new ScimResourceBody("Engineering", null, """{"id":"g-1","displayName":"Engineering"}""", ["u-2", "u-1"]);
        await WriteScimAsync(new ScimWrite("scim", ScimKind.Group, "g-1", null, group, Sample.Now, [], []), default);

        Assert.Equal(["u-1", "u-2"], (await Store.GetResourceAsync("scim", ScimKind.Group, "g-1", default))!.Members.Order());
        Assert.Equal(["g-1"], await Store.GroupsOfAsync("scim", "u-1", default));
        await WriteScimAsync(new ScimWrite("scim", ScimKind.User, "u-1", 1, null, Sample.Now, [], ["u-1"]), default);
        Assert.Empty(await Store.GroupsOfAsync("scim", "u-1", default));
        Assert.Equal(["u-2"], (await Store.GetResourceAsync("scim", ScimKind.Group, "g-1", default))!.Members);
        Assert.Equal("g-1", (await Store.FindResourceByNameAsync("scim", ScimKind.Group, "engineering", default))!.Id);
    }

    [Fact]
    public async Task AGroupCommit_AppliesEachWriteOnItsOwn_ARefusedOneLeavesNothing()
    {
        var results = await Store.WriteResourcesAsync(
            [Create("u-1", "ada@example.com", 1), Create("u-2", "ADA@example.com", 2), Create("u-3", "alan@example.com", 3)], default);

        Assert.Equal(["u-1", null, "u-3"], results.Select(r => r.Stored?.Id));
        Assert.IsType<ScimConflictException>(results[1].Refused);
        Assert.Null(await Store.GetResourceAsync("scim", ScimKind.User, "u-2", default));
        await using var session = await Store.OpenReadAsync(default);
        Assert.Null(session.Find("scim", "u-2"));
        Assert.Equal(2, session.Source("scim")!.ImportedUsers);
        Assert.Equal(["u-1", "u-3"], session.Pending("scim").Select(p => p.ExternalId));
    }

    [Fact]
    public async Task ANewToken_ReplacesTheOldOne()
    {
        await Store.SaveTokenAsync(new ScimToken("scim", [1, 2, 3], Sample.Now, Sample.Now.AddDays(365)), default);
        await Store.SaveTokenAsync(new ScimToken("scim", [4, 5, 6], Sample.Now.AddDays(1), Sample.Now.AddDays(2)), default);

        var token = await Store.FindTokenAsync("scim", default);

        Assert.Equal([4, 5, 6], token!.Hash);
        Assert.Equal(Sample.Now.AddDays(2), token.ExpiresAt);
        Assert.Null(await Store.FindTokenAsync("other", default));
    }

    [Fact]
    public async Task AV3Store_GetsTheScimTables_AndKeepsItsUsers()
    {
        await WriteAsync(session => session.Apply(Sample.Create(Sample.User(1)), Sample.Row(1), Sample.Context()));
        await Store.DisposeAsync();
        using (var connection = Folder.Connect())
        {
            StoreFolder.Execute(connection, "DROP TABLE scim_tokens; DROP TABLE scim_resources; DROP TABLE scim_members; PRAGMA user_version = 3;");
        }

        await using var reopened = await Folder.OpenAsync();

        Assert.Null(await reopened.FindTokenAsync("scim", default));
        await using var session = await reopened.OpenReadAsync(default);
        Assert.NotNull(session.Find("corp", "id-0000001"));
        using var check = Folder.Connect();
        Assert.Equal(SqliteSchema.CurrentVersion, StoreFolder.Scalar(check, "PRAGMA user_version"));
    }
    [Fact]
    public async Task DisposedWhileAPushWaitsForTheFile_ThePushIsKept_AndTheStoreClosesAfterIt()
    {
        // Without per-connection locks, closing the SCIM writer's connection under a running write is a use after
        // free; disposing must wait for the write (here held at SQLite's lock by another "process") and refuse new ones.
        await WriteScimAsync(Create("u-1", "ada@example.com", 1), default);
        using var other = Folder.Connect();
        StoreFolder.Execute(other, "BEGIN IMMEDIATE");
        var push = Task.Run(() => WriteScimAsync(Create("u-2", "alan@example.com", 2), default));
        await Task.Delay(300);

        var disposing = Task.Run(async () => await Store.DisposeAsync());
        await Task.Delay(300);
        var closedBeforeThePush = disposing.IsCompleted;
        StoreFolder.Execute(other, "COMMIT");

        var stored = await push.WaitAsync(TimeSpan.FromSeconds(30));
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(closedBeforeThePush, "the store closed while a push was still writing");
        Assert.Equal("u-2", stored!.Id);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => WriteScimAsync(Create("u-3", "grace@example.com", 3), default));
        await using var reopened = await Folder.OpenAsync();
        await using var session = await reopened.OpenReadAsync(default);
        Assert.Equal(2, session.Source("scim")!.ImportedUsers);
    }
}
