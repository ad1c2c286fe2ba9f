using Reconciler.Connectors.Ldap;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Resources;
using Reconciler.Testing.Directories;

namespace Reconciler.Connectors.Tests.Ldap;

/// <summary>Incremental reads against a slapd of their own (each test changes the directory).</summary>
public sealed class LdapIncrementalReadTests : IAsyncLifetime
{
    private SlapdServer _server = null!;

    public async Task InitializeAsync() => _server = await SlapdServer.StartAsync(new SlapdOptions { Users = 30 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private DirectorySource Source(bool groups = true, string? userFilter = null) => new()
    {
        Metadata = new ResourceMetadata { Name = "corp-ldap" },
        Spec = new DirectorySourceSpec
        {
            Type = DirectorySourceType.Ldap,
            Ldap = new LdapSettings
            {
                Url = _server.Url,
                BindDN = _server.ReaderDN,
                BindPassword = new SecretReference { Env = "P" },
                BaseDN = _server.PeopleDN,
                GroupBaseDN = groups ? _server.GroupsDN : null,
                UserFilter = userFilter,
                PageSize = 8,
            },
        },
    };

    private async Task<List<DirectoryEntry>> ReadAsync(DirectorySource source, string? cursor)
    {
        var context = new ReadContext(Path.GetTempPath(), cursor, new LocalSecretResolver(_ => _server.ReaderPassword), TimeProvider.System);
        var entries = new List<DirectoryEntry>();
        await foreach (var entry in new LdapDirectoryConnector().ReadAsync(source, context, CancellationToken.None)) entries.Add(entry);
        return entries;
    }

    private static ReadEnd End(List<DirectoryEntry> entries) => Assert.IsType<ReadEnd>(entries[^1]);

    private static string Uid(GeneratedUser user) => user.Uid;

    [Fact]
    public async Task AfterAFullRead_AReadFromItsCursorYieldsOnlyWhatChanged_AndNamesEveryoneElse()
    {
        // Without groupBaseDN: deleting a user edits the groups naming them, and a changed group means a full read.
        var source = Source(groups: false);
        var full = await ReadAsync(source, null);
        Assert.Equal(ReadMode.Full, End(full).Mode);
        var cursor = End(full).NextCursor;
        Assert.StartsWith("ldap-1:csn:", cursor);
        var ids = full.OfType<UserEntry>().ToDictionary(u => u.User.UserName, u => u.User.Id);

        var renamed = _server.Data.Users[20];
        var deleted = _server.Data.Users[21];
        await _server.ModifyAsync($"""
            dn: {renamed.Dn}
            changetype: modify
            replace: mail
            mail: new-{renamed.Uid}@example.com

            """);
        await _server.DeleteAsync(deleted.Dn);

        var delta = await ReadAsync(source, cursor);

        var end = End(delta);
        Assert.Equal(ReadMode.Delta, end.Mode);
        Assert.True(end.EveryIdListed);
        var changed = Assert.Single(delta.OfType<UserEntry>());
        Assert.Equal($"new-{renamed.Uid}@example.com", changed.User.Email);
        Assert.Equal(ids[renamed.Uid], changed.User.Id);
        var present = delta.OfType<PresentEntry>().Select(p => p.Id).ToHashSet();
        Assert.Equal(ids.Count - 2, present.Count);
        Assert.DoesNotContain(ids[deleted.Uid], present);
        Assert.DoesNotContain(ids[renamed.Uid], present);
        Assert.Empty(delta.OfType<ProblemEntry>());

        // Nothing changed since: an empty delta that still names everyone.
        var quiet = await ReadAsync(source, end.NextCursor);
        Assert.Equal(ReadMode.Delta, End(quiet).Mode);
        Assert.Empty(quiet.OfType<UserEntry>());
        Assert.Equal(ids.Count - 1, quiet.OfType<PresentEntry>().Count());
    }

    [Fact]
    public async Task AChangedGroup_OrAnotherSpec_ReadsEverythingAgain()
    {
        var full = await ReadAsync(Source(), null);
        var cursor = End(full).NextCursor;
        var outsider = _server.Data.Users.First(u => !u.AllGroups.Contains(_server.Data.ExecutivesDN, StringComparer.OrdinalIgnoreCase));
        await _server.ModifyAsync($"""
            dn: {_server.Data.ExecutivesDN}
            changetype: modify
            add: member
            member: {outsider.Dn}

            """);

        var afterGroupChange = await ReadAsync(Source(), cursor);
        var otherFilter = await ReadAsync(Source(userFilter: "(objectClass=person)"), End(afterGroupChange).NextCursor);

        Assert.Equal(ReadMode.Full, End(afterGroupChange).Mode);
        var user = afterGroupChange.OfType<UserEntry>().Single(u => u.User.UserName == outsider.Uid).User;
        Assert.Contains(_server.Data.ExecutivesDN, user.Groups, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(ReadMode.Full, End(otherFilter).Mode);
        Assert.Equal(ReadMode.Delta, End(await ReadAsync(Source(userFilter: "(objectClass=person)"), End(otherFilter).NextCursor)).Mode);
    }
}
