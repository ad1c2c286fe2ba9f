using Reconciler.Core.Directory;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteReadSessionTests : StoreTest
{
    [Fact]
    public async Task ReadSession_KeepsSeeingOneStateWhileAnotherConnectionCommits()
    {
        var users = await ProvisionAsync(1, 2);
        await WriteAsync(session =>
        {
            session.PutImported("corp", Sample.Row(3));
            session.SaveSource(new SourceRecord { Name = "corp", Cursor = "usn:1", ImportedUsers = 3 }, snapshotChanged: true);
            session.ReplacePending("corp", [new PendingEntry("corp", "id-0000003", PendingKind.Conflict, "engineering")], null);
        });
        await using var view = await Store.OpenReadAsync(default);
        using var walk = view.Users("corp", unprovisionedOnly: false).GetEnumerator();
        Assert.True(walk.MoveNext());

        await WriteAsync(session =>
        {
            session.Apply(Sample.Preserve(users[0]), null, Sample.Context());
            session.RemoveImported("corp", "id-0000002");
            session.RemoveImported("corp", "id-0000003");
            session.PutImported("corp", Sample.Row(4));
            session.Apply(Sample.Create(Sample.User(5)), Sample.Row(5), Sample.Context());
            session.Apply(Sample.Create(Sample.User(6, "ldap")), Sample.Row(6), Sample.Context());
            session.SaveSource(new SourceRecord { Name = "corp", Cursor = "usn:2", ImportedUsers = 3 }, snapshotChanged: true);
            session.ReplacePending("corp", [], null);
        });
        using (var other = Folder.Connect()) StoreFolder.Execute(other, "UPDATE users SET display_name = 'edited by hand'");

        var rest = new List<string> { walk.Current.Id };
        while (walk.MoveNext()) rest.Add(walk.Current.Id);
        Assert.Equal(["id-0000001", "id-0000002", "id-0000003"], rest);
        Assert.Equal((1, 2), (view.RegistrySeq, view.RegistryCount));
        Assert.Equal(["corp"], view.Sources().Select(s => s.Name));
        Assert.Equal(("usn:1", 1L, Counts(2)), (view.Source("corp")!.Cursor, view.Source("corp")!.SnapshotSeq, view.Source("corp")!.Users));
        Assert.Equal(users[0], view.Find("corp", "id-0000001")!.Provisioned);
        Assert.Null(view.Find("corp", "id-0000005"));
        Assert.Equal(["id-0000001", "id-0000002", "id-0000003"], view.Fingerprints("corp").Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.Equal(view.Find("corp", "id-0000002")!.Imported!.Fingerprint, view.Fingerprint("corp", "id-0000002"));
        Assert.Equal((null, null), (view.Fingerprint("corp", "id-0000005"), view.Fingerprint("ldap", "id-0000002")));
        Assert.Equal(["id-0000003"], view.Pending().Select(p => p.ExternalId));
        Assert.Equal(users[1], view.EmailOwners.Find("user2@example.com"));
        Assert.Null(view.EmailOwners.Find("user5@example.com"));

        await using var later = await Store.OpenReadAsync(default);
        Assert.Equal((2, 4), (later.RegistrySeq, later.RegistryCount));
        Assert.Equal(["id-0000001", "id-0000002", "id-0000004", "id-0000005"], later.Users("corp", false).Select(u => u.Id));
        Assert.Equal("edited by hand", later.Find("corp", "id-0000005")!.Provisioned!.Details.DisplayName);
        Assert.Empty(later.Pending());
    }

    [Fact]
    public async Task WriteSession_ReadsTheStateFromBeforeItsOwnWrites()
    {
        var users = await ProvisionAsync(1);

        await using var session = await Store.OpenWriteAsync(default);
        session.PutImported("corp", Sample.Row(2));
        session.RemoveImported("corp", "id-0000001");
        session.Apply(Sample.Move(users[0]), null, Sample.Context());
        session.Apply(Sample.Create(Sample.User(3)), Sample.Row(3), Sample.Context());
        session.SaveSource(new SourceRecord { Name = "corp", Cursor = "usn:7" }, snapshotChanged: true);
        session.ReplacePending("corp", [new PendingEntry("corp", "id-0000002", PendingKind.HeldBack)], null);

        Assert.Equal(users[0], session.Find("corp", "id-0000001")!.Provisioned);
        Assert.NotNull(session.Find("corp", "id-0000001")!.Imported);
        Assert.Null(session.Find("corp", "id-0000002"));
        Assert.Null(session.Find("corp", "id-0000003"));
        Assert.Equal(["id-0000001"], session.Fingerprints("corp").Select(f => f.Id));
        Assert.Equal(["id-0000001"], session.Users("corp", false).Select(u => u.Id));
        Assert.Empty(session.Users("corp", unprovisionedOnly: true));
        Assert.Equal((0L, (string?)null), (session.Source("corp")!.SnapshotSeq, session.Source("corp")!.Cursor));
        Assert.Empty(session.Pending("corp"));
        Assert.Null(session.EmailOwners.Find("user3@example.com"));
        Assert.Equal((1, 1), (session.RegistrySeq, session.RegistryCount));
    }

    [Fact]
    public async Task Find_GivesTheImportedEntryAndTheRegistryRow_EitherMayBeMissing()
    {
        var users = await ProvisionAsync(1, 2);
        await WriteAsync(session =>
        {
            session.PutImported("corp", Sample.Row(3));
            session.RemoveImported("corp", "id-0000002");
        });

        await using var view = await Store.OpenReadAsync(default);
        var both = view.Find("corp", "id-0000001")!;
        var registryOnly = view.Find("corp", "id-0000002")!;
        var importedOnly = view.Find("corp", "id-0000003")!;

        Assert.Equal(("id-0000001", users[0]), (both.Id, both.Provisioned));
        Same.Imported(Sample.Imported(1), both.Imported!.User);
        Assert.Equal(users[1], registryOnly.Provisioned);
        Assert.Null(registryOnly.Imported);
        Assert.Null(importedOnly.Provisioned);
        Same.Imported(Sample.Imported(3), importedOnly.Imported!.User);
        Assert.Null(view.Find("corp", "id-0000009"));
        Assert.Null(view.Find("ldap", "id-0000001"));
        Assert.Null(view.Find("CORP", "id-0000001"));
    }

    [Fact]
    public async Task Fingerprints_GivesEveryImportedEntryOfTheSource_AndNoneForRegistryOnlyRows()
    {
        await ProvisionAsync(1, 2);
        await WriteAsync(session =>
        {
            session.PutImported("corp", Sample.Row(3));
            session.PutImported("ldap", Sample.Row(4));
            session.RemoveImported("corp", "id-0000002");
        });

        var fingerprints = await ReadAsync(s => s.Fingerprints("corp").ToDictionary());

        Assert.Equal(
            new Dictionary<string, ulong> { ["id-0000001"] = Sample.Row(1).Fingerprint, ["id-0000003"] = Sample.Row(3).Fingerprint },
            fingerprints.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary());
        Assert.Empty(await ReadAsync(s => s.Fingerprints("never-read").ToList()));

        // Keyed by the ids' hash: the same entries, findable by the key a read makes of an id (non-ASCII included).
        await WriteAsync(session => session.PutImported("corp", ImportedRow.Of(Sample.Imported(5) with { Id = "zoë-5" })));
        var byKey = await ReadAsync(s => s.FingerprintsByKey("corp").ToDictionary());
        Assert.Equal(3, byKey.Count);
        Assert.Equal(Sample.Row(1).Fingerprint, byKey[ImportedRow.IdKey("id-0000001")]);
        Assert.Equal(Sample.Row(3).Fingerprint, byKey[ImportedRow.IdKey("id-0000003")]);
        Assert.True(byKey.ContainsKey(ImportedRow.IdKey("zoë-5")));
        Assert.False(byKey.ContainsKey(ImportedRow.IdKey("id-0000002")));
        Assert.Empty(await ReadAsync(s => s.FingerprintsByKey("never-read").ToList()));
    }

    [Fact]
    public async Task Users_WalksTheSourceInIdOrder_OrOnlyThoseNotProvisioned()
    {
        string[] ids = ["b", "B", "a-2", "a", "A", "ä", "z", "Z-1", "10", "9"];
        await WriteAsync(session =>
        {
            foreach (var id in ids) session.PutImported("corp", ImportedRow.Of(new ImportedUser { Id = id }));
            session.PutImported("ldap", Sample.Row(1));
            session.Apply(Sample.Create(Sample.User(0) with { ExternalId = "B" }), null, Sample.Context());
            session.Apply(Sample.Create(Sample.User(1) with { ExternalId = "ä" }), null, Sample.Context());
            session.Apply(Sample.Create(Sample.User(2) with { ExternalId = "only-provisioned" }), null, Sample.Context());
        });

        await using var view = await Store.OpenReadAsync(default);
        var all = view.Users("corp", unprovisionedOnly: false).Select(u => u.Id).ToList();
        var unprovisioned = view.Users("corp", unprovisionedOnly: true).ToList();

        Assert.Equal([.. ids.Append("only-provisioned").Order(StringComparer.Ordinal)], all);
        Assert.Equal([.. ids.Except(["B", "ä"]).Order(StringComparer.Ordinal)], unprovisioned.Select(u => u.Id));
        Assert.All(unprovisioned, u => Assert.Null(u.Provisioned));
        Assert.Empty(view.Users("never-read", unprovisionedOnly: false));
    }

    [Fact]
    public async Task Users_CanBeWalkedWhileUsersAreLookedUp()
    {
        await ProvisionAsync(1, 2, 3);

        await using var view = await Store.OpenReadAsync(default);
        var seen = new List<(string, string?)>();
        foreach (var user in view.Users("corp", false))
        {
            seen.Add((user.Id, view.Find("corp", "id-0000002")?.Id));
            Assert.NotNull(view.EmailOwners.Find(user.Provisioned!.Email));
        }

        Assert.Equal([("id-0000001", "id-0000002"), ("id-0000002", "id-0000002"), ("id-0000003", "id-0000002")], seen);
    }

    [Theory]
    [InlineData("user1@example.com")]
    [InlineData("USER1@EXAMPLE.COM")]
    [InlineData("User1@Example.Com")]
    public async Task EmailOwners_FindsTheRowHoldingAnEmail_IgnoringCase(string asked)
    {
        var holder = Sample.User(1) with { Source = "ldap", Details = Sample.User(1).Details with { Email = "User1@Example.com" } };
        await ApplyAsync(Sample.Create(holder));
        await ProvisionAsync(2);

        Assert.Equal(holder with { Version = 1 }, await ReadAsync(s => s.EmailOwners.Find(asked)));
    }

    [Fact]
    public async Task EmailOwners_OfAnEmailNobodyHolds_IsNull_AndAnEmptyEmailIsNobodys()
    {
        Assert.Null(await ReadAsync(s => s.EmailOwners.Find("user1@example.com")));
        var noEmail = Sample.User(1) with { Details = Sample.User(1).Details with { Email = "" } };
        await ApplyAsync(Sample.Create(noEmail));
        await ApplyAsync(Sample.Create(Sample.User(2) with { Details = Sample.User(2).Details with { Email = "" } }));
        await WriteAsync(session => session.PutImported("corp", Sample.Row(3)));

        Assert.Null(await ReadAsync(s => s.EmailOwners.Find("")));
        Assert.Null(await ReadAsync(s => s.EmailOwners.Find("user3@example.com")));
        Assert.Equal(2, await ReadAsync(s => s.RegistryCount));
    }

    [Fact]
    public async Task Sources_ListsEverySourceWithRowsOrAHeader_InNameOrder()
    {
        await WriteAsync(session =>
        {
            session.PutImported("b-ldap", Sample.Row(1));
            session.Apply(Sample.Create(Sample.User(2, "team-a/corp")), null, Sample.Context());
            session.SaveSource(new SourceRecord { Name = "a-csv" }, snapshotChanged: false);
        });

        await using var view = await Store.OpenReadAsync(default);

        Assert.Equal(["a-csv", "b-ldap", "team-a/corp"], view.Sources().Select(s => s.Name));
        Assert.Null(view.Source("never-read"));
        Assert.Equal(Counts(1), view.Source("team-a/corp")!.Users);
    }
}
