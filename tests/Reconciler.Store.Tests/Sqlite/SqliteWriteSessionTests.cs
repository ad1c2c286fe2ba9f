using System.Text.Json;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteWriteSessionTests : StoreTest
{
    [Fact]
    public async Task PutImported_OfANewUser_StoresTheEntryWithoutARegistryRow()
    {
        await WriteAsync(session => session.PutImported("corp", Sample.Row(4)));

        var stored = await FindAsync("corp", "id-0000004");
        Assert.NotNull(stored);
        Assert.Null(stored.Provisioned);
        Same.Imported(Sample.Imported(4), stored.Imported!.User);
        Assert.Equal(Sample.Row(4).Fingerprint, stored.Imported.Fingerprint);
        Assert.Equal(0, await ReadAsync(s => s.RegistryCount));
    }

    [Fact]
    public async Task PutImported_OfAProvisionedUser_ReplacesTheEntryAndLeavesTheRegistryRowAsItIs()
    {
        var provisioned = (await ProvisionAsync(4))[0];
        var changed = Sample.Imported(4) with { Details = Sample.Imported(4).Details with { Department = "Sales" } };

        await WriteAsync(session => session.PutImported("corp", ImportedRow.Of(changed)));

        var stored = (await FindAsync("corp", "id-0000004"))!;
        Same.Imported(changed, stored.Imported!.User);
        Assert.Equal(provisioned, stored.Provisioned);
        Assert.Equal(1, stored.Provisioned!.Version);
    }

    [Fact]
    public async Task ARestoreToANewId_MovesTheRegistryRowThere_AndLeavesNothingUnderTheOldId()
    {
        var provisioned = (await ProvisionAsync(1))[0];
        await WriteAsync(session =>
        {
            session.RemoveImported("corp", provisioned.ExternalId);
            session.Apply(Sample.Preserve(provisioned), null, Sample.Context());
        });
        var preserved = (await FindAsync("corp", provisioned.ExternalId))!.Provisioned!;
        var comeBack = Sample.Imported(1) with { Id = "id-new" };
        var rebind = new Restore(preserved, preserved with { ExternalId = "id-new", State = UserState.Active, UpdatedAt = Sample.Now.AddHours(1) },
            [new FieldChange("externalId", preserved.ExternalId, "id-new")], "came back under a new id");

        await WriteAsync(session => session.Apply(rebind, ImportedRow.Of(comeBack), Sample.Context("rev-2")));

        Assert.Null(await FindAsync("corp", provisioned.ExternalId));
        var moved = (await FindAsync("corp", "id-new"))!;
        Assert.Equal((UserState.Active, provisioned.Email, provisioned.CreatedAt), (moved.Provisioned!.State, moved.Provisioned.Email, moved.Provisioned.CreatedAt));
        Assert.NotNull(moved.Imported);
        Assert.Equal(new StateCounts(1, 0, 0), (await ReadAsync(s => s.Source("corp")))!.Users);
        // A stale plan of the old id (version moved on) is refused, not applied twice.
        await Assert.ThrowsAsync<StoreConflictException>(() => WriteAsync(session => session.Apply(rebind, null, Sample.Context("rev-3"))));
    }

    [Fact]
    public async Task RemoveImported_OfAProvisionedUser_KeepsTheRegistryRow()
    {
        var provisioned = await ProvisionAsync(1, 2);

        await WriteAsync(session => session.RemoveImported("corp", "id-0000001"));

        var stored = (await FindAsync("corp", "id-0000001"))!;
        Assert.Null(stored.Imported);
        Assert.Equal(provisioned[0], stored.Provisioned);
        Assert.Equal(["id-0000002"], (await ReadAsync(s => s.Fingerprints("corp").ToDictionary())).Keys);
        Assert.Equal(2, (await Store.ListUsersAsync(new UserQuery(), default).ToListAsync()).Count);
        Assert.Equal(Counts(2), (await ReadAsync(s => s.Source("corp")))!.Users);
    }

    [Fact]
    public async Task RemoveImported_OfAnUnprovisionedUser_DeletesItsRow()
    {
        await WriteAsync(session =>
        {
            session.PutImported("corp", Sample.Row(1));
            session.PutImported("corp", Sample.Row(2));
        });

        await WriteAsync(session => session.RemoveImported("corp", "id-0000001"));

        Assert.Null(await FindAsync("corp", "id-0000001"));
        Assert.Equal(["id-0000002"], await ReadAsync(s => s.Users("corp", unprovisionedOnly: false).Select(u => u.Id).ToList()));
    }

    [Fact]
    public async Task RemoveImported_OfAUserNeverStored_ChangesNothing()
    {
        await ProvisionAsync(1);
        var before = await FileBytesAsync();

        await WriteAsync(session => session.RemoveImported("corp", "id-9999999"));

        Assert.Equal(before, await FileBytesAsync());
    }

    [Fact]
    public async Task Apply_Create_StoresEveryFieldAtVersionOneWithItsImportedEntryAndOneAuditEntry()
    {
        var user = Sample.User(3);

        var stored = await ApplyAsync(Sample.Create(user), Sample.Row(3), revision: "abc123");

        Assert.Equal(user with { Version = 1 }, stored);
        Assert.Equal(Sample.Now.Ticks, stored.CreatedAt.ToOffset(Sample.Now.Offset).Ticks);
        Same.Imported(Sample.Imported(3), (await FindAsync("corp", user.ExternalId))!.Imported!.User);
        var entry = Assert.Single(await Store.ReadAuditAsync(new AuditQuery(10), default).ToListAsync());
        Assert.Equal(("create", "corp", "id-0000003", "user3@example.com", "engineering", "matched engineering", "abc123", "[]"),
            (entry.Action, entry.Source, entry.ExternalId, entry.Email, entry.Mapping, entry.Reason, entry.Revision, entry.Details));
        Assert.Equal(Sample.Now, entry.At);
    }

    [Fact]
    public async Task Apply_CreateOfAUserWithOnlyAnImportedEntry_KeepsThatEntryWhenNoneIsGiven()
    {
        await WriteAsync(session => session.PutImported("corp", Sample.Row(3)));

        var stored = await ApplyAsync(Sample.Create(Sample.User(3)), imported: null);

        Assert.Equal(1, stored.Version);
        Same.Imported(Sample.Imported(3), (await FindAsync("corp", "id-0000003"))!.Imported!.User);
    }

    [Fact]
    public async Task Apply_UserWithEmptyFields_KeepsThemEmptyNotNull()
    {
        var sparse = new ProvisionedUser { Source = "corp", ExternalId = "x1", CreatedAt = Sample.Now, UpdatedAt = Sample.Now };

        var stored = await ApplyAsync(new Create(sparse, ""), revision: "");

        Assert.Equal(sparse with { Version = 1 }, stored);
        var entry = Assert.Single(await Store.ReadAuditAsync(new AuditQuery(1), default).ToListAsync());
        Assert.Equal(("", "", ""), (entry.Reason, entry.Revision, entry.Email));
    }

    [Fact]
    public async Task Apply_EveryKindOfChange_WritesTheRowBumpsItsVersionAndAuditsIt()
    {
        var created = (await ProvisionAsync(1))[0];

        var updated = await ApplyAsync(Sample.Move(created), revision: "rev-2");
        var preserved = await ApplyAsync(Sample.Preserve(updated), revision: "rev-3");
        var restored = await ApplyAsync(Sample.Restore(preserved), revision: "rev-4");
        var disabled = await ApplyAsync(Sample.Disable(restored), revision: "rev-5");

        Assert.Equal(Sample.Move(created).After with { Version = 2 }, updated);
        Assert.Equal(Sample.Preserve(updated).After with { Version = 3 }, preserved);
        Assert.Equal(Sample.Restore(preserved).After with { Version = 4 }, restored);
        Assert.Equal(Sample.Disable(restored).After with { Version = 5 }, disabled);
        Assert.Equal(Sample.Now, disabled.CreatedAt);
        var audit = await Store.ReadAuditAsync(new AuditQuery(10), default).ToListAsync();
        Assert.Equal(["disable", "restore", "preserve", "update", "create"], audit.Select(e => e.Action));
        Assert.Equal(["rev-5", "rev-4", "rev-3", "rev-2", "rev-1"], audit.Select(e => e.Revision));
        Assert.Equal(["stopped matching", "matches again", "left the directory", "mapping engineering moved to eu-west", "matched engineering"],
            audit.Select(e => e.Reason));
        Assert.Equal([("state", "Preserved", "Active")], FieldChanges(audit[1].Details));
        Assert.Equal([("storageRegion", "us-east", "eu-west")], FieldChanges(audit[3].Details));
        Assert.Equal(["[]", "[]", "[]"], new[] { audit[0], audit[2], audit[4] }.Select(e => e.Details));
    }

    [Fact]
    public async Task Apply_Update_AuditsEachFieldChangeInOrder()
    {
        var before = (await ProvisionAsync(0))[0];
        var after = before with { StorageRegion = "eu-west", QuotaBytes = 0, UpdatedAt = Sample.Now.AddMinutes(5) };
        var change = new Update(before, after,
            [new FieldChange("storageRegion", "us-east", "eu-west"), new FieldChange("quota", "50Gi", "unlimited \"∞\"")],
            "mapping engineering moved to eu-west");

        await WriteAsync(session => session.Apply(change, null, new ApplyContext("abc123", Sample.Now.AddMinutes(5))));

        var entry = Assert.Single(await Store.ReadAuditAsync(new AuditQuery(1), default).ToListAsync());
        Assert.Equal([("storageRegion", "us-east", "eu-west"), ("quota", "50Gi", "unlimited \"∞\"")], FieldChanges(entry.Details));
        Assert.Equal(Sample.Now.AddMinutes(5), entry.At);
        Assert.Equal(after with { Version = 2 }, (await FindAsync("corp", before.ExternalId))!.Provisioned);
    }

    [Fact]
    public async Task Apply_WithAnImportedEntry_WritesItIntoTheSameRow_AndWithoutOne_KeepsTheStoredEntry()
    {
        var before = (await ProvisionAsync(2))[0];
        var moved = Sample.Imported(2) with { OrganizationalUnit = "ou=moved,dc=example,dc=com" };

        var updated = await ApplyAsync(Sample.Move(before), ImportedRow.Of(moved));
        Same.Imported(moved, (await FindAsync("corp", before.ExternalId))!.Imported!.User);

        await ApplyAsync(Sample.Preserve(updated), imported: null);
        Same.Imported(moved, (await FindAsync("corp", before.ExternalId))!.Imported!.User);
        Assert.Equal(ImportedRow.Of(moved).Fingerprint, (await ReadAsync(s => s.Fingerprints("corp").ToDictionary()))[before.ExternalId]);
    }

    [Fact]
    public async Task Apply_EmailReleasedEarlierInTheSession_CanBeTakenByAnotherUser()
    {
        var holder = (await ProvisionAsync(1))[0];
        var released = holder with { Details = holder.Details with { Email = "old.user1@example.com" } };
        var taker = Sample.User(2) with { Details = Sample.User(2).Details with { Email = "User1@example.com" } };

        await WriteAsync(session =>
        {
            session.Apply(new Update(holder, released, [new FieldChange("email", holder.Email, released.Email)], "renamed"), null, Sample.Context());
            session.Apply(Sample.Create(taker), null, Sample.Context());
        });

        var owner = await ReadAsync(s => s.EmailOwners.Find("user1@EXAMPLE.com"));
        Assert.Equal(taker with { Version = 1 }, owner);
    }

    private static List<(string Field, string From, string To)> FieldChanges(string details) =>
        JsonDocument.Parse(details).RootElement.EnumerateArray()
            .Select(c => (c.GetProperty("field").GetString()!, c.GetProperty("from").GetString()!, c.GetProperty("to").GetString()!))
            .ToList();
}
