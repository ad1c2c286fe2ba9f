using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteListingTests : StoreTest
{
    [Fact]
    public async Task ListUsers_GivesRegistryRowsInEmailOrder_FilteredByStateAndSource()
    {
        await WriteAsync(session =>
        {
            Create(session, 2, "b-ldap", "zed@example.com");
            Create(session, 3, "a-csv", "Bob@example.com");
            Create(session, 4, "a-csv", "amy@example.com", UserState.Preserved);
            Create(session, 5, "b-ldap", "AL@example.com", UserState.Disabled);
            Create(session, 6, "a-csv", "", UserState.Active);
        });

        var all = await Store.ListUsersAsync(new UserQuery(), default).ToListAsync();
        var active = await Store.ListUsersAsync(new UserQuery(UserState.Active), default).ToListAsync();
        var ldap = await Store.ListUsersAsync(new UserQuery(Source: "b-ldap"), default).ToListAsync();
        var preservedCsv = await Store.ListUsersAsync(new UserQuery(UserState.Preserved, "a-csv"), default).ToListAsync();

        Assert.Equal(["AL@example.com", "amy@example.com", "Bob@example.com", "zed@example.com", ""], all.Select(u => u.Email));
        Assert.Equal(["Bob@example.com", "zed@example.com", ""], active.Select(u => u.Email));
        Assert.Equal(["AL@example.com", "zed@example.com"], ldap.Select(u => u.Email));
        Assert.Equal(["amy@example.com"], preservedCsv.Select(u => u.Email));
        Assert.Empty(await Store.ListUsersAsync(new UserQuery(UserState.Disabled, "a-csv"), default).ToListAsync());
        Assert.Equal(Sample.User(4, "a-csv") with { Details = Sample.User(4).Details with { Email = "amy@example.com" }, State = UserState.Preserved, Version = 1 },
            preservedCsv[0]);
    }

    [Fact]
    public async Task ListUsers_NeverListsUsersWhoAreOnlyImported()
    {
        await ProvisionAsync(1);
        await WriteAsync(session =>
        {
            session.PutImported("corp", Sample.Row(2));
            session.PutImported("ldap", Sample.Row(3));
            session.RemoveImported("corp", "id-0000001");
        });

        var listed = await Store.ListUsersAsync(new UserQuery(), default).ToListAsync();

        Assert.Equal(["id-0000001"], listed.Select(u => u.ExternalId));
        Assert.Empty(await Store.ListUsersAsync(new UserQuery(Source: "ldap"), default).ToListAsync());
    }

    [Fact]
    public async Task ListUsers_AbandonedPartWay_ReleasesTheStore()
    {
        await ProvisionAsync(1, 2, 3);

        await foreach (var user in Store.ListUsersAsync(new UserQuery(), default))
        {
            Assert.Equal("id-0000001", user.ExternalId);
            break;
        }

        await using var session = await Store.OpenWriteAsync(default);
        session.Apply(Sample.Create(Sample.User(4)), null, Sample.Context());
        await session.CommitAsync(default);
        Assert.Equal(4, (await Store.ListUsersAsync(new UserQuery(), default).ToListAsync()).Count);
    }

    [Fact]
    public async Task ListUsers_OfTwoHundredThousandUsers_StreamsWithoutHoldingThem()
    {
        const int users = 200_000;
        await WriteAsync(session =>
        {
            for (var i = 0; i < users; i++) session.Apply(Sample.Create(Sample.User(i)), null, Sample.Context());
        });

        // What holding them would take, measured on the first tenth and scaled up.
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var held = new List<ProvisionedUser>(users / 10);
        await foreach (var user in Store.ListUsersAsync(new UserQuery(), default))
        {
            held.Add(user);
            if (held.Count == users / 10) break;
        }
        var holdingAll = (GC.GetTotalMemory(forceFullCollection: true) - baseline) * 10;
        GC.KeepAlive(held);

        baseline = GC.GetTotalMemory(forceFullCollection: true);
        long growth = 0;
        var count = 0;
        string? previous = null;
        await foreach (var user in Store.ListUsersAsync(new UserQuery(), default))
        {
            Assert.True(previous is null || string.CompareOrdinal(previous.ToUpperInvariant(), user.Email.ToUpperInvariant()) < 0);
            previous = user.Email;
            if (++count % 40_000 == 0) growth = Math.Max(growth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }

        Assert.Equal(users, count);
        Assert.True(holdingAll > 50_000_000, $"holding {users:N0} users would take {holdingAll:N0} bytes");
        Assert.True(growth < holdingAll / 20, $"listing grew managed memory by {growth:N0} bytes; holding every user takes {holdingAll:N0}");
    }

    [Fact]
    public async Task ReadAudit_GivesTheNewestFirst_UpToTheLimit()
    {
        var users = await ProvisionAsync(0, 1, 2);
        var preserved = await ApplyAsync(Sample.Preserve(users[1]), revision: "rev-2");
        await ApplyAsync(Sample.Restore(preserved), revision: "rev-3");

        var entries = await Store.ReadAuditAsync(new AuditQuery(3), default).ToListAsync();

        Assert.Equal(["restore", "preserve", "create"], entries.Select(e => e.Action));
        Assert.Equal(["rev-3", "rev-2", "rev-1"], entries.Select(e => e.Revision));
        Assert.True(entries[0].Id > entries[1].Id && entries[1].Id > entries[2].Id);
        Assert.Equal("[]", entries[1].Details);
        Assert.Contains("Preserved", entries[0].Details);
        Assert.Equal(5, (await Store.ReadAuditAsync(new AuditQuery(100), default).ToListAsync()).Count);
        Assert.Empty(await Store.ReadAuditAsync(new AuditQuery(0), default).ToListAsync());
    }

    [Fact]
    public async Task ReadAudit_FiltersBySourceAndUser()
    {
        var users = await ProvisionAsync(1, 2);
        await ApplyAsync(Sample.Create(Sample.User(1, "ldap") with { Details = Sample.User(1).Details with { Email = "u1@ldap.example.com" } }));
        await ApplyAsync(Sample.Move(users[0]), revision: "rev-2");

        var corp = await Store.ReadAuditAsync(new AuditQuery(10, Source: "corp"), default).ToListAsync();
        var one = await Store.ReadAuditAsync(new AuditQuery(10, ExternalId: "id-0000001"), default).ToListAsync();
        var both = await Store.ReadAuditAsync(new AuditQuery(10, "corp", "id-0000001"), default).ToListAsync();

        Assert.Equal([("corp", "id-0000001", "update"), ("corp", "id-0000002", "create"), ("corp", "id-0000001", "create")],
            corp.Select(e => (e.Source, e.ExternalId, e.Action)));
        Assert.Equal([("corp", "update"), ("ldap", "create"), ("corp", "create")], one.Select(e => (e.Source, e.Action)));
        Assert.Equal(["update", "create"], both.Select(e => e.Action));
        Assert.Equal(["create"], (await Store.ReadAuditAsync(new AuditQuery(1, "corp", "id-0000002"), default).ToListAsync()).Select(e => e.Action));
    }

    private static void Create(IStoreWriteSession session, int i, string source, string email, UserState state = UserState.Active) =>
        session.Apply(Sample.Create(Sample.User(i, source) with { Details = Sample.User(i).Details with { Email = email }, State = state }), null, Sample.Context());
}
