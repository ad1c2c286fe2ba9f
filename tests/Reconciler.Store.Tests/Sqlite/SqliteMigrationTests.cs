using Reconciler.Core.Directory;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteMigrationTests : IDisposable
{
    private static readonly DateTimeOffset ReadAt = Sample.Now.AddHours(-2);

    private readonly StoreFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>Registry rows of the old store: corp has active, preserved and disabled users; old-csv has no snapshot any more.</summary>
    private static readonly ProvisionedUser[] Registry =
    [
        Sample.User(0),
        Sample.User(1) with { Details = Sample.User(1).Details with { Email = "User1@Example.com" }, CreatedAt = Sample.Now.AddDays(-3) },
        Sample.User(2) with { State = UserState.Preserved, UpdatedAt = Sample.Now.AddHours(1) },
        Sample.User(5) with { State = UserState.Disabled, LoginMechanism = LoginMechanism.GeneratedPassword, QuotaBytes = 0 },
        Sample.User(10, "ldap") with { LoginMechanism = LoginMechanism.DirectoryPassword, QuotaPolicy = null },
        Sample.User(20, "old-csv") with { State = UserState.Preserved, Details = Sample.User(20).Details with { Email = "" } },
    ];

    /// <summary>Snapshot rows: corp's users 0 to 3 (3 never provisioned), and one ldap user with an empty attribute map.</summary>
    private static readonly (string Source, ImportedUser User)[] Snapshot =
    [
        ("corp", Sample.Imported(0)),
        ("corp", Sample.Imported(1)),
        ("corp", Sample.Imported(2) with { Details = Sample.Imported(2).Details with { DisplayName = "Zoë \"Z\" Ünal 🚀" } }),
        ("corp", Sample.Imported(3)),
        ("ldap", Sample.Imported(10) with { Attributes = new Dictionary<string, string>(), Groups = ["cn=a", "cn=b"] }),
    ];

    private static readonly AuditEntry[] Audit =
    [
        new(1, Sample.Now.AddDays(-3), "create", "corp", "id-0000001", "User1@Example.com", "engineering", "matched engineering", "rev-1", "[]"),
        new(2, Sample.Now.AddDays(-2), "preserve", "corp", "id-0000002", "user2@example.com", "engineering", "left the directory", "rev-2", "[]"),
        new(5, Sample.Now.AddDays(-1), "update", "ldap", "id-0000010", "user10@example.com", "engineering", "region follows mapping", "rev-3",
            """[{"field":"storageRegion","from":"us-east","to":"eu-west"}]"""),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Open_OlderStore_KeepsEveryUserSnapshotRowAuditEntryAndStatus(int version)
    {
        Build(version);

        await using var store = await folder.OpenAsync();
        await using var session = await store.OpenReadAsync(default);

        foreach (var user in Registry)
        {
            Assert.Equal(user with { Version = 1 }, session.Find(user.Source, user.ExternalId)!.Provisioned);
        }
        foreach (var (source, user) in Snapshot)
        {
            var stored = session.Find(source, user.Id)!.Imported!;
            Same.Imported(user, stored.User);
            Assert.Equal(ImportedRow.Of(user).Fingerprint, stored.Fingerprint);
        }
        Assert.Null(session.Find("corp", "id-0000003")!.Provisioned);
        Assert.Null(session.Find("corp", "id-0000005")!.Imported);
        Assert.Null(session.Find("old-csv", "id-0000020")!.Imported);
        Assert.Equal(Audit, await store.ReadAuditAsync(new AuditQuery(100), default).Reverse().ToListAsync());
        Assert.Equal(Statuses(version), await store.LoadStatusesAsync(default));
        Assert.Equal((0, 6), (session.RegistrySeq, session.RegistryCount));
        Assert.Empty(session.Pending());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Open_OlderStore_KeepsSourceHeadersAndCountsTheirUsers(int version)
    {
        Build(version);

        await using var store = await folder.OpenAsync();
        await using var session = await store.OpenReadAsync(default);

        var corp = session.Source("corp")!;
        Assert.Equal(("usn:42", true, false, ReadAt, ReadAt, TimeSpan.FromMilliseconds(1234), 3),
            (corp.Cursor, corp.Complete, corp.Failed, corp.ReadAt, corp.FullReadAt, corp.Duration, corp.GroupsSeen));
        Assert.Empty(corp.Problems);
        Assert.Equal((1L, 4, new StateCounts(2, 1, 1)), (corp.SnapshotSeq, corp.ImportedUsers, corp.Users));
        Assert.Null(corp.Memo);
        var ldap = session.Source("ldap")!;
        Assert.Equal((null, false, true, 1, new StateCounts(1, 0, 0)), (ldap.Cursor, ldap.Complete, ldap.Failed, ldap.ImportedUsers, ldap.Users));
        Assert.Equal(["ldap://dc1.example.com: timed out", "more \"quoted\" ü"], ldap.Problems);
        var orphan = session.Source("old-csv")!;
        Assert.Equal((0, new StateCounts(0, 1, 0), (DateTimeOffset?)null), (orphan.ImportedUsers, orphan.Users, orphan.ReadAt));
        Assert.Equal(["corp", "ldap", "old-csv"], session.Sources().Select(s => s.Name));
        var counts = await store.CountUsersAsync(default);
        Assert.Equal((3, 2, 1), (counts[UserState.Active], counts[UserState.Preserved], counts[UserState.Disabled]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Open_OlderStore_KeysEveryEmailAndLeavesOnlyTheCurrentTables(int version)
    {
        Build(version);

        await using (var store = await folder.OpenAsync())
        await using (var session = await store.OpenReadAsync(default))
        {
            Assert.Equal(Registry[1] with { Version = 1 }, session.EmailOwners.Find("user1@example.COM"));
            Assert.Equal(Registry[4] with { Version = 1 }, session.EmailOwners.Find("USER10@EXAMPLE.COM"));
        }

        using var connection = folder.Connect();
        Assert.Equal(SqliteSchema.CurrentVersion, StoreFolder.Scalar(connection, "PRAGMA user_version"));
        Assert.Equal(0, StoreFolder.Scalar(connection, "SELECT count(*) FROM users WHERE state IS NOT NULL AND email <> '' AND email_key IS NOT upper(email)"));
        Assert.Equal(["audit", "pending", "scim_members", "scim_resources", "scim_tokens", "sources", "sqlite_sequence", "statuses", "store_meta", "users"],
            Names(connection, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
        Assert.Equal(["scim_members_by_user", "scim_resources_by_name", "users_by_email"],
            Names(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"));
    }

    [Fact]
    public async Task Open_MigratedStore_TakesNewWritesAfterWhatItKept()
    {
        Build(2);
        await using var store = await folder.OpenAsync();

        await using (var session = await store.OpenWriteAsync(default))
        {
            session.Apply(Sample.Preserve(Registry[0] with { Version = 1 }), null, Sample.Context("rev-9"));
            session.Apply(Sample.Create(Sample.User(3)), null, Sample.Context("rev-9"));
            var taken = Sample.User(30) with { Details = Sample.User(30).Details with { Email = "USER1@example.com" } };
            Assert.Throws<StoreConflictException>(() => session.Apply(Sample.Create(taken), null, Sample.Context("rev-9")));
            await session.CommitAsync(default);
        }

        var latest = await store.ReadAuditAsync(new AuditQuery(2), default).ToListAsync();
        Assert.Equal([(7L, "create"), (6L, "preserve")], latest.Select(e => (e.Id, e.Action)));
        await using var after = await store.OpenReadAsync(default);
        Assert.Equal((UserState.Preserved, 2L), (after.Find("corp", "id-0000000")!.Provisioned!.State, after.Find("corp", "id-0000000")!.Provisioned!.Version));
        Assert.Equal(new StateCounts(2, 2, 1), after.Source("corp")!.Users);
        Assert.Equal(1, after.RegistrySeq);
    }

    [Fact]
    public async Task Open_V2StoreWithAnEmailSharedIgnoringCase_MigratesBothAndTheEarlierOwnsIt()
    {
        using (var old = HistoricStore.Create(folder, 2))
        {
            old.User(Sample.User(1) with { Details = Sample.User(1).Details with { Email = "ann@EXAMPLE.com" }, CreatedAt = Sample.Now });
            old.User(Sample.User(2, "ldap") with { Details = Sample.User(2).Details with { Email = "Ann@example.com" }, CreatedAt = Sample.Now.AddDays(-1) });
        }

        await using var store = await folder.OpenAsync();

        var listed = await store.ListUsersAsync(new UserQuery(), default).ToListAsync();
        Assert.Equal([("ldap", "Ann@example.com"), ("corp", "ann@EXAMPLE.com")], listed.Select(u => (u.Source, u.Email)));
        await using var session = await store.OpenReadAsync(default);
        Assert.Equal(("ldap", "id-0000002"), (session.EmailOwners.Find("ANN@example.com")!.Source, session.EmailOwners.Find("ann@example.com")!.ExternalId));
        Assert.Equal(new StateCounts(1, 0, 0), session.Source("corp")!.Users);
    }

    [Fact]
    public async Task Open_V2StoreWithAnEmailSharedIgnoringCase_CanStillChangeTheLaterUser()
    {
        using (var old = HistoricStore.Create(folder, 2))
        {
            old.User(Sample.User(1) with { Details = Sample.User(1).Details with { Email = "ann@EXAMPLE.com" }, CreatedAt = Sample.Now });
            old.User(Sample.User(2, "ldap") with { Details = Sample.User(2).Details with { Email = "Ann@example.com" }, CreatedAt = Sample.Now.AddDays(-1) });
        }
        await using var store = await folder.OpenAsync();
        var later = Sample.User(1) with { Details = Sample.User(1).Details with { Email = "ann@EXAMPLE.com" }, Version = 1 };

        await using (var session = await store.OpenWriteAsync(default))
        {
            session.Apply(Sample.Preserve(later), null, Sample.Context());
            await session.CommitAsync(default);
        }

        await using var after = await store.OpenReadAsync(default);
        Assert.Equal((UserState.Preserved, "ann@EXAMPLE.com"), (after.Find("corp", "id-0000001")!.Provisioned!.State, after.Find("corp", "id-0000001")!.Provisioned!.Email));
        Assert.Equal("ldap", after.EmailOwners.Find("ann@example.com")!.Source);
    }

    [Fact]
    public async Task OpenReadOnly_OlderStore_SaysRunApplyAndLeavesItUntouched()
    {
        Build(2);
        var before = await File.ReadAllBytesAsync(folder.StorePath);

        var e = await Assert.ThrowsAsync<StoreException>(() => folder.OpenAsync(readOnly: true));

        Assert.Equal($"store {folder.StorePath} has an older schema (v2; this reconciler uses v{SqliteSchema.CurrentVersion}): run 'reconciler apply' once to upgrade it", e.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(folder.StorePath));
    }

    private void Build(int version)
    {
        using var old = HistoricStore.Create(folder, version);
        old.Source("corp", "usn:42", complete: true, failed: false, [], ReadAt, 1234, usersSeen: 4, groupsSeen: 3);
        old.Source("ldap", null, complete: false, failed: true, ["ldap://dc1.example.com: timed out", "more \"quoted\" ü"], ReadAt, 30_000, 1, 0);
        foreach (var (position, (source, user)) in Snapshot.Index()) old.Imported(source, position, user);
        foreach (var user in Registry) old.User(user);
        foreach (var e in Audit) old.Audit(e.Id, e.At, e.Action, e.Source, e.ExternalId, e.Email, e.Mapping, e.Reason, e.Revision, e.Details);
        foreach (var status in Statuses(version))
        {
            old.Status(status.Kind, status.Name, status.StatusJson, status.Summary, status.UpdatedAt, status.SpecHash, status.Generation);
        }
    }

    /// <summary>The statuses of the old store, as the new one keys them: in the default namespace, the configuration's in none.</summary>
    private static List<StoredStatus> Statuses(int version) =>
    [
        new(new StatusKey("Configuration", "", "/etc/reconciler"), """{"revision":"abc"}""", "revision abc", Sample.Now.AddMinutes(-1),
            version >= 2 ? "abc" : "", 0),
        new(new StatusKey("DirectorySource", "default", "corp"), """{"observedGeneration":2,"users":4}""", "4 users", Sample.Now,
            version >= 2 ? "sha256:1f" : "", version >= 2 ? 2 : 0),
        new(new StatusKey("ProvisioningMapping", "default", "engineering"), """{"provisioned":3}""", "3 provisioned", Sample.Now.AddMinutes(1)),
    ];

    private static List<string> Names(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }
}
