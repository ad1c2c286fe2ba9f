using Reconciler.Connectors.Ldap;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Testing.Directories;

namespace Reconciler.Connectors.Tests.Ldap;

/// <summary>A real Samba AD domain controller for the class.</summary>
public sealed class DomainControllerFixture : IAsyncLifetime
{
    public SambaDcServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SambaDcServer.StartAsync(new SambaOptions { Users = 20 });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A source of the test DC's users and groups, and reads of it with the reader's password.</summary>
internal static class AdReads
{
    public static DirectorySource Source(SambaDcServer server, Func<LdapSettings, LdapSettings>? change = null)
    {
        var ldap = new LdapSettings
        {
            Url = server.LdapsUrl,
            CaFile = server.CaFile,
            BindDN = server.ReaderDN,
            BindPassword = new SecretReference { Env = "AD_PASSWORD" },
            BaseDN = server.UsersDN,
            GroupBaseDN = server.GroupsDN,
            PageSize = 7,
        };
        return new DirectorySource
        {
            Metadata = new ResourceMetadata { Name = "corp-ad" },
            Spec = new DirectorySourceSpec { Type = DirectorySourceType.ActiveDirectory, Ldap = change?.Invoke(ldap) ?? ldap },
        };
    }

    public static async Task<List<DirectoryEntry>> ReadAsync(SambaDcServer server, DirectorySource source, string? cursor = null, string? password = null)
    {
        var secrets = new LocalSecretResolver(name => name == "AD_PASSWORD" ? password ?? server.ReaderPassword : null);
        var entries = new List<DirectoryEntry>();
        await foreach (var entry in new LdapDirectoryConnector(LdapDialect.ActiveDirectory)
            .ReadAsync(source, new ReadContext(Path.GetTempPath(), cursor, secrets, TimeProvider.System), CancellationToken.None))
        {
            entries.Add(entry);
        }
        return entries;
    }
}

public sealed class ActiveDirectoryConnectorTests(DomainControllerFixture fixture) : IClassFixture<DomainControllerFixture>
{
    private SambaDcServer Server => fixture.Server;

    private DirectorySource Source(Func<LdapSettings, LdapSettings>? change = null) => AdReads.Source(Server, change);

    private Task<List<DirectoryEntry>> ReadAsync(DirectorySource source, string? password = null) => AdReads.ReadAsync(Server, source, password: password);

    [Fact]
    public async Task FullRead_MapsAdAttributes_KeepsLogonNames_AndReadsAccountState()
    {
        var entries = await ReadAsync(Source());

        Assert.Empty(entries.OfType<ProblemEntry>());
        var users = entries.OfType<UserEntry>().Select(e => e.User).ToDictionary(u => u.Attributes!["logonName"]);
        Assert.Equal(Server.Data.Users.Count, users.Count);
        foreach (var expected in Server.Data.Users)
        {
            var user = users[$"{Server.Domain}\\{expected.SamAccountName}"];
            Assert.Equal(expected.ObjectGuid.ToString(), user.Id);
            Assert.Equal(expected.UserPrincipalName, user.UserName);
            Assert.Equal(expected.UserPrincipalName, user.Attributes!["userPrincipalName"]);
            Assert.Equal(expected.Mail ?? "", user.Email);
            Assert.Equal(expected.DisplayName, user.Details.DisplayName);
            Assert.Equal(expected.Department, user.Details.Department);
            Assert.Equal(!expected.Disabled && !expected.Expired, user.Enabled);
            Assert.Equal(expected.AllGroups.Order(StringComparer.OrdinalIgnoreCase), user.Groups.Order(StringComparer.OrdinalIgnoreCase),
                StringComparer.OrdinalIgnoreCase);
        }
        Assert.False(users[$"{Server.Domain}\\{Server.Data.DisabledUser.SamAccountName}"].Enabled);
        Assert.False(users[$"{Server.Domain}\\{Server.Data.ExpiredUser.SamAccountName}"].Enabled);
        Assert.True(users[$"{Server.Domain}\\{Server.Data.ZeroExpiresUser.SamAccountName}"].Enabled);
        Assert.Contains(Server.Data.EngineeringDN, users[$"{Server.Domain}\\{Server.Data.NestedOnlyEngineer.SamAccountName}"].Groups,
            StringComparer.OrdinalIgnoreCase);
        Assert.Equal(ReadMode.Full, Assert.IsType<ReadEnd>(entries[^1]).Mode);
    }

    [Fact]
    public async Task StartTls_Works_AndAnUntrustedCertificateOrAWrongPasswordStalls()
    {
        var startTls = await ReadAsync(Source(l => l with { Url = Server.Url, StartTLS = true }));
        var untrusted = await Assert.ThrowsAsync<DirectoryReadException>(() => ReadAsync(Source(l => l with { CaFile = Server.UntrustedCaFile })));
        var wrong = await Assert.ThrowsAsync<DirectoryReadException>(() => ReadAsync(Source(), password: "Not-The-Password-42"));

        Assert.Equal(Server.Data.Users.Count, startTls.OfType<UserEntry>().Count());
        Assert.Equal(ErrorClass.Stalling, untrusted.ErrorClass);
        Assert.Contains("TLS handshake failed", untrusted.Message);
        Assert.Equal(ErrorClass.Stalling, wrong.ErrorClass);
        Assert.Contains("invalid credentials", wrong.Message);
        Assert.DoesNotContain("Not-The-Password-42", wrong.Message);
    }
}
