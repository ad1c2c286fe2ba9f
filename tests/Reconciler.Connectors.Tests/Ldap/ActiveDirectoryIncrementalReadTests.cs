using System.Globalization;
using Reconciler.Connectors.Ldap;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Testing.Directories;

namespace Reconciler.Connectors.Tests.Ldap;

/// <summary>
/// Incremental reads by uSNChanged against a real Samba AD DC of the class's own (the tests change the directory; each
/// starts from a full read of its own, so they do not depend on one another's order).
/// </summary>
public sealed class ActiveDirectoryIncrementalReadTests(DomainControllerFixture fixture) : IClassFixture<DomainControllerFixture>
{
    private SambaDcServer Server => fixture.Server;

    private Task<List<DirectoryEntry>> ReadAsync(string? cursor, bool groups = true) =>
        AdReads.ReadAsync(Server, AdReads.Source(Server, l => groups ? l : l with { GroupBaseDN = null }), cursor);

    private static ReadEnd End(List<DirectoryEntry> entries) => Assert.IsType<ReadEnd>(entries[^1]);

    [Fact]
    public async Task AReadFromTheCursor_YieldsTheChangedRenamedAndMovedUsers_AndNamesEveryoneElse()
    {
        var full = await ReadAsync(null, groups: false);
        var cursor = End(full).NextCursor;
        Assert.StartsWith("ad-1:", cursor);
        var all = full.OfType<UserEntry>().Select(e => e.User).ToDictionary(u => u.Id);

        var edited = Server.Data.Users[11];
        var renamed = Server.Data.Users[12];
        var moved = Server.Data.Users[13];
        var deleted = Server.Data.Users[14];
        await Server.ModifyAsync($"""
            dn: {edited.Dn}
            changetype: modify
            replace: title
            title: Chief Tester

            dn: {renamed.Dn}
            changetype: modrdn
            newrdn: CN=Renamed User
            deleteoldrdn: 1

            dn: {moved.Dn}
            changetype: modrdn
            newrdn: CN={moved.Cn}
            deleteoldrdn: 1
            newsuperior: {Server.Data.ContractorsDN}

            """);
        await Server.DeleteAsync(deleted.Dn);

        var delta = await ReadAsync(cursor, groups: false);

        var end = End(delta);
        Assert.Equal(ReadMode.Delta, end.Mode);
        Assert.True(end.EveryIdListed);
        Assert.Empty(delta.OfType<ProblemEntry>());
        var changed = delta.OfType<UserEntry>().Select(e => e.User).ToDictionary(u => u.Id);
        Assert.Equal(new[] { edited, renamed, moved }.Select(u => u.ObjectGuid.ToString()).Order(), changed.Keys.Order());
        Assert.Equal("Chief Tester", changed[edited.ObjectGuid.ToString()].Details.Title);
        // Renamed and moved users keep their id: the same user, not a delete and a create.
        var renamedNow = Assert.Single(await Server.SearchAsync(Server.UsersDN, $"(sAMAccountName={renamed.SamAccountName})", ["sAMAccountName"]));
        Assert.StartsWith("CN=Renamed User,", renamedNow.Dn, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(renamed.UserPrincipalName, changed[renamed.ObjectGuid.ToString()].UserName);
        Assert.Equal(Server.Data.ContractorsDN, changed[moved.ObjectGuid.ToString()].OrganizationalUnit, StringComparer.OrdinalIgnoreCase);
        var present = delta.OfType<PresentEntry>().Select(p => p.Id).ToHashSet();
        Assert.Equal(all.Count - 4, present.Count);
        Assert.DoesNotContain(deleted.ObjectGuid.ToString(), present);

        var quiet = await ReadAsync(end.NextCursor, groups: false);
        Assert.Equal(ReadMode.Delta, End(quiet).Mode);
        Assert.Empty(quiet.OfType<UserEntry>());
        Assert.Equal(all.Count - 1, quiet.OfType<PresentEntry>().Count());
    }

    [Fact]
    public async Task AnAccountThatExpiresBetweenReads_IsReadAgainAsDisabled_ThoughItsEntryDidNotChange()
    {
        var user = Server.Data.Users[15];
        var expires = DateTimeOffset.UtcNow.AddSeconds(4);
        await Server.ModifyAsync($"""
            dn: {user.Dn}
            changetype: modify
            replace: accountExpires
            accountExpires: {expires.ToFileTime().ToString(CultureInfo.InvariantCulture)}

            """);
        var full = await ReadAsync(null);
        Assert.True(full.OfType<UserEntry>().Single(e => e.User.Id == user.ObjectGuid.ToString()).User.Enabled);

        var wait = expires - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var delta = await ReadAsync(End(full).NextCursor);

        Assert.Equal(ReadMode.Delta, End(delta).Mode);
        var again = Assert.Single(delta.OfType<UserEntry>()).User;
        Assert.Equal(user.ObjectGuid.ToString(), again.Id);
        Assert.False(again.Enabled);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AChangedGroup_ReadsEverythingAgain_WithOrWithoutGroupBaseDN(bool groups)
    {
        // memberOf is a back-link: the member's own uSNChanged stays, only the group's changes.
        var full = await ReadAsync(null, groups);
        var outsider = Server.Data.Users.First(u => u.Index > 15 && !u.AllGroups.Contains(Server.Data.EngLeadsDN, StringComparer.OrdinalIgnoreCase));
        await Server.ModifyAsync($"""
            dn: {Server.Data.EngLeadsDN}
            changetype: modify
            add: member
            member: {outsider.Dn}

            """);

        var after = await ReadAsync(End(full).NextCursor, groups);

        Assert.Equal(ReadMode.Full, End(after).Mode);
        Assert.Contains(Server.Data.EngLeadsDN, after.OfType<UserEntry>().Single(e => e.User.Id == outsider.ObjectGuid.ToString()).User.Groups,
            StringComparer.OrdinalIgnoreCase);
        Assert.Equal(ReadMode.Delta, End(await ReadAsync(End(after).NextCursor, groups)).Mode);
        await Server.ModifyAsync($"""
            dn: {Server.Data.EngLeadsDN}
            changetype: modify
            delete: member
            member: {outsider.Dn}

            """);
    }

    [Fact]
    public void ACursorOfAnotherDc_AnotherSpec_OrALaterUsn_IsNotUsed()
    {
        var now = new AdCursor("0f8fad5b-d9cb-469f-a165-70867728950e", 5000, 133_000_000_000_000_000, "abcd");
        Assert.Equal(now with { Usn = 4000 }, AdCursor.Parse((now with { Usn = 4000 }).ToString(), now));
        Assert.Null(AdCursor.Parse((now with { Invocation = "7c9e6679-7425-40de-944b-e07fc1f90ae7" }).ToString(), now));
        Assert.Null(AdCursor.Parse((now with { Fingerprint = "other" }).ToString(), now));
        // A DC restored from a backup, with the same invocationId (it should get a new one): its USNs went back.
        Assert.Null(AdCursor.Parse((now with { Usn = 6000 }).ToString(), now));
        Assert.Null(AdCursor.Parse("ldap-1:csn:x:y:abcd", now));
        Assert.Null(AdCursor.Parse("ad-1:0f8fad5b-d9cb-469f-a165-70867728950e:-1:0:abcd", now));
        Assert.Equal("(|(uSNChanged>=4001)(&(accountExpires>=133000000000000000)(accountExpires<=133000000000000000)))",
            (now with { Usn = 4000 }).UsersChangedOrExpiredBy(now));
    }
}
