using System.Net;
using System.Net.Sockets;
using Reconciler.Connectors.Ldap;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Testing.Directories;

namespace Reconciler.Connectors.Tests.Ldap;

/// <summary>One real slapd for the class: generated people, groups (nested and empty), locks, TLS.</summary>
public sealed class DirectoryFixture : IAsyncLifetime
{
    public SlapdServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SlapdServer.StartAsync(new SlapdOptions { Users = 40 });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class LdapDirectoryConnectorTests(DirectoryFixture fixture) : IClassFixture<DirectoryFixture>
{
    private SlapdServer Server => fixture.Server;

    private DirectorySource Source(Func<LdapSettings, LdapSettings>? change = null, AttributeMapping? attributes = null)
    {
        var ldap = new LdapSettings
        {
            Url = Server.Url,
            BindDN = Server.ReaderDN,
            BindPassword = new SecretReference { Env = "LDAP_PASSWORD" },
            BaseDN = Server.PeopleDN,
            GroupBaseDN = Server.GroupsDN,
            PageSize = 7,
        };
        return new DirectorySource
        {
            Metadata = new ResourceMetadata { Name = "corp-ldap" },
            Spec = new DirectorySourceSpec { Type = DirectorySourceType.Ldap, Ldap = change?.Invoke(ldap) ?? ldap, Attributes = attributes },
        };
    }

    private async Task<List<DirectoryEntry>> ReadAsync(DirectorySource source, string? password = null, IReadOnlyList<string>? serverFilters = null)
    {
        var secrets = new LocalSecretResolver(name => name == "LDAP_PASSWORD" ? password ?? Server.ReaderPassword : null);
        var context = new ReadContext(Path.GetTempPath(), null, secrets, TimeProvider.System) { ServerFilters = serverFilters ?? [] };
        var entries = new List<DirectoryEntry>();
        await foreach (var entry in new LdapDirectoryConnector().ReadAsync(source, context, CancellationToken.None)) entries.Add(entry);
        return entries;
    }

    private async Task<DirectoryReadException> FailsAsync(DirectorySource source, string? password = null) =>
        await Assert.ThrowsAsync<DirectoryReadException>(() => ReadAsync(source, password));

    private static Dictionary<string, ImportedUser> ByUserName(IEnumerable<DirectoryEntry> entries) =>
        entries.OfType<UserEntry>().Select(u => u.User).ToDictionary(u => u.UserName);

    [Fact]
    public async Task FullRead_PagesThroughEveryUserWithTheirDetailsGroupsUnitAndState()
    {
        var entries = await ReadAsync(Source());

        var users = ByUserName(entries);
        Assert.Equal(Server.Data.Users.Count, users.Count);
        Assert.Empty(entries.OfType<ProblemEntry>());
        var end = Assert.IsType<ReadEnd>(entries[^1]);
        Assert.Equal(ReadMode.Full, end.Mode);
        Assert.Equal(Server.Data.Groups.Count, end.GroupsSeen);

        foreach (var expected in Server.Data.Users)
        {
            var user = users[expected.Uid];
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-", user.Id); // entryUUID
            Assert.Equal(expected.Mail ?? "", user.Email);
            Assert.Equal(expected.Cn, user.Details.DisplayName);
            Assert.Equal(expected.Sn, user.Details.Surname);
            Assert.Equal(expected.Department, user.Details.Department);
            Assert.Equal(!expected.Locked, user.Enabled);
            Assert.Equal(expected.IsContractor ? "ou=contractors,ou=people,dc=example,dc=com" : "ou=people,dc=example,dc=com", user.OrganizationalUnit);
            Assert.Equal(expected.AllGroups.Order(StringComparer.OrdinalIgnoreCase), user.Groups.Order(StringComparer.OrdinalIgnoreCase),
                StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task FullRead_KeepsEscapedCommasNonAsciiNamesAndNestedOnlyMembership()
    {
        var users = ByUserName(await ReadAsync(Source()));

        var comma = users[Server.Data.CommaUser.Uid];
        Assert.Equal("Smith, John", comma.Details.DisplayName);
        Assert.Equal(Server.Data.NonAsciiUser.Cn, users[Server.Data.NonAsciiUser.Uid].Details.DisplayName);
        Assert.Equal(Server.Data.NonAsciiUser.Sn, users[Server.Data.NonAsciiUser.Uid].Details.Surname);
        Assert.Equal(Server.Data.CjkUser.Cn, users[Server.Data.CjkUser.Uid].Details.DisplayName);
        Assert.Equal("", users[Server.Data.NoMailUser.Uid].Email);
        Assert.False(users[Server.Data.LockedUser.Uid].Enabled);
        Assert.False(users[Server.Data.TimeLockedUser.Uid].Enabled);
        var nested = users[Server.Data.NestedOnlyEngineer.Uid];
        Assert.DoesNotContain(Server.Data.EngineeringDN, Server.Data.NestedOnlyEngineer.DirectGroups, StringComparer.OrdinalIgnoreCase);
        Assert.Contains(Server.Data.EngineeringDN, nested.Groups, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(users.Values, u => u.Groups.Contains(Server.Data.EmptyDN, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task FullRead_MarksTheUsersTheServerMatchesToEachMappingsRawFilter()
    {
        const string sales = "(departmentNumber=Sales)";
        const string executives = "(|(title=Vice President)(title=Chief*))";

        var users = ByUserName(await ReadAsync(Source(), serverFilters: [sales, executives]));

        foreach (var expected in Server.Data.Users)
        {
            var user = users[expected.Uid];
            Assert.Equal(expected.Department == "Sales", ServerFilter.Matched(user, sales));
            Assert.Equal(expected.Title == "Vice President" || expected.Title.StartsWith("Chief", StringComparison.Ordinal), ServerFilter.Matched(user, executives));
        }
        Assert.Contains(users.Values, u => ServerFilter.Matched(u, sales));
        var bad = await Assert.ThrowsAsync<DirectoryReadException>(() => ReadAsync(Source(), serverFilters: ["(departmentNumber=Sales"]));
        Assert.Equal(ErrorClass.Stalling, bad.ErrorClass);
        Assert.Contains("is not a valid LDAP filter (the search for users matching the mapping filter (departmentNumber=Sales)", bad.Message);
    }

    [Fact]
    public async Task FullRead_WithoutGroupBaseDN_TakesMemberOfAsItIs()
    {
        var users = ByUserName(await ReadAsync(Source(l => l with { GroupBaseDN = null })));

        var nested = users[Server.Data.NestedOnlyEngineer.Uid];
        Assert.DoesNotContain(Server.Data.EngineeringDN, nested.Groups, StringComparer.OrdinalIgnoreCase);
        Assert.Contains(Server.Data.EngLeadsDN, nested.Groups, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FullRead_OverLdapsAndStartTls_TrustsTheConfiguredCa()
    {
        var ldaps = ByUserName(await ReadAsync(Source(l => l with { Url = Server.LdapsUrl, CaFile = Server.CaFile })));
        var startTls = ByUserName(await ReadAsync(Source(l => l with { StartTLS = true, CaFile = Server.CaFile })));
        var folder = ByUserName(await ReadAsync(Source(l => l with { Url = Server.LdapsUrl, CaFile = Server.CaDirectory })));

        Assert.Equal(Server.Data.Users.Count, ldaps.Count);
        Assert.Equal(Server.Data.Users.Count, startTls.Count);
        Assert.Equal(Server.Data.Users.Count, folder.Count);
    }

    [Fact]
    public async Task Tls_AgainstAnUntrustedCertificate_StallsSayingSo()
    {
        var ldaps = await FailsAsync(Source(l => l with { Url = Server.LdapsUrl, CaFile = Server.UntrustedCaFile }));
        var startTls = await FailsAsync(Source(l => l with { StartTLS = true, CaFile = Server.UntrustedCaFile }));

        foreach (var e in new[] { ldaps, startTls })
        {
            Assert.Equal(ErrorClass.Stalling, e.ErrorClass);
            Assert.Contains("TLS handshake failed", e.Message);
            Assert.Contains("not trusted by spec.ldap.caFile", e.Message);
        }
    }

    [Fact]
    public async Task WrongPassword_StallsNamingTheBindDnButNeverThePassword()
    {
        var e = await FailsAsync(Source(), password: "not-the-password-42");

        Assert.Equal(ErrorClass.Stalling, e.ErrorClass);
        Assert.Contains($"{Server.Url}: the bind as '{Server.ReaderDN}' was refused: invalid credentials", e.Message);
        Assert.DoesNotContain("not-the-password-42", e.Message);
        Assert.DoesNotContain(Server.ReaderPassword, e.Message);
    }

    [Fact]
    public async Task MissingBaseDn_InvalidFilter_AndATypoedAttribute_Stall()
    {
        var missing = await FailsAsync(Source(l => l with { BaseDN = "ou=nobody," + Server.BaseDN }));
        var filter = await FailsAsync(Source(l => l with { UserFilter = "(objectClass=inetOrgPerson" }));
        var typo = await FailsAsync(Source(attributes: new AttributeMapping { Email = "mial" }));

        Assert.All(new[] { missing, filter, typo }, e => Assert.Equal(ErrorClass.Stalling, e.ErrorClass));
        Assert.Contains("the base DN 'ou=nobody,dc=example,dc=com' of the search for users does not exist", missing.Message);
        Assert.Contains("'(objectClass=inetOrgPerson' is not a valid LDAP filter", filter.Message);
        Assert.Contains("has the attribute 'mial' that spec.attributes.email names", typo.Message);
    }

    [Fact]
    public async Task EntriesWithoutTheConfiguredId_AreSkippedAndMakeTheReadIncomplete()
    {
        // The user without mail has no id when mail is the id: named and skipped, never imported without one.
        var entries = await ReadAsync(Source(attributes: new AttributeMapping { Id = "mail" }));

        Assert.Equal(Server.Data.Users.Count - 1, entries.OfType<UserEntry>().Count());
        var problem = Assert.Single(entries.OfType<ProblemEntry>());
        Assert.Equal($"{Server.Url}: entry '{Server.Data.NoMailUser.Dn}' has no mail (spec.attributes.id): skipped", problem.Message);
    }

    [Fact]
    public async Task FullRead_SurvivesChildProcessesEndingMeanwhile()
    {
        // Each child that ends sends this process SIGCHLD; a libldap call interrupted by it used to report
        // "server unavailable" (seen as flaky reads while other tests ran tools).
        using var stop = new CancellationTokenSource();
        var children = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var child = System.Diagnostics.Process.Start("/bin/true")!;
                await child.WaitForExitAsync();
            }
        })));
        try
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(Server.Data.Users.Count, ByUserName(await ReadAsync(Source(l => l with { PageSize = 2 }))).Count);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await children;
        }
    }

    [Fact]
    public async Task UnreachableServer_IsTransient()
    {
        var port = FreePort();
        var e = await FailsAsync(Source(l => l with { Url = $"ldap://127.0.0.1:{port}" }));

        Assert.Equal(ErrorClass.Transient, e.ErrorClass);
        Assert.Contains($"ldap://127.0.0.1:{port}: cannot connect", e.Message);
    }

    [Fact]
    public async Task ServerThatAcceptsButNeverAnswers_TimesOutAsTransient()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var held = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true) held.Add(await silent.AcceptTcpClientAsync());
            }
            catch (Exception)
            {
                // listener stopped
            }
        });

        var started = DateTime.UtcNow;
        var e = await FailsAsync(Source(l => l with { Url = $"ldap://127.0.0.1:{port}", Timeout = "2s" }));

        var took = DateTime.UtcNow - started;
        Assert.True(e.ErrorClass == ErrorClass.Transient && took >= TimeSpan.FromSeconds(1) && took < TimeSpan.FromSeconds(15),
            $"{e.ErrorClass} after {took.TotalSeconds:0.0} s: {e.Message}");
        silent.Stop();
        foreach (var client in held) client.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
