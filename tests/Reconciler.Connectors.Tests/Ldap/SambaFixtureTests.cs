using Reconciler.Testing.Directories;
using Xunit.Abstractions;

namespace Reconciler.Connectors.Tests.Ldap;

/// <summary>One real Samba AD domain controller shared by the tests of <see cref="SambaFixtureTests"/>.</summary>
public sealed class SambaFixture : IAsyncLifetime
{
    public SambaDcServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SambaDcServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Proves the Samba fixture with the real ldapsearch over LDAPS as the reader: the generated users with their AD
/// attributes, userAccountControl and accountExpires, objectGUIDs, nested groups through the in-chain matching rule,
/// StartTLS on the plain port, and an untrusted CA failing.
/// </summary>
public sealed class SambaFixtureTests(SambaFixture fixture, ITestOutputHelper output) : IClassFixture<SambaFixture>
{
    private SambaDcServer Server => fixture.Server;

    private GeneratedAdDirectory Data => fixture.Server.Data;

    [Fact]
    public async Task EveryGeneratedUser_IsFoundUnderUsersDN_WithItsAccountNames()
    {
        output.WriteLine($"start: {Server.Timings}");
        var entries = await SearchAsync(
            Server.CaFile, "-b", Server.UsersDN, "(objectClass=user)",
            "sAMAccountName", "userPrincipalName", "mail", "displayName", "department", "cn");

        Assert.Equal(Data.Users.Count, entries.Count);
        foreach (var user in Data.Users)
        {
            var entry = Assert.Single(entries, e => e.Value("sAMAccountName") == user.SamAccountName);
            Assert.True(Ldif.DnEquals(user.Dn, entry.Dn), $"{entry.Dn} vs {user.Dn}");
            Assert.Equal(user.UserPrincipalName, entry.Value("userPrincipalName"));
            Assert.Equal(user.Mail, entry.Value("mail"));
            Assert.Equal(user.DisplayName, entry.Value("displayName"));
            Assert.Equal(user.Department, entry.Value("department"));
            Assert.Equal(user.Cn, entry.Value("cn"));
        }

        Assert.Equal(@"CN=Smith\, John,OU=People,DC=example,DC=test", Data.CommaUser.Dn);
        Assert.Contains(entries, e => e.Dn == Data.CommaUser.Dn);
        Assert.Equal("Zoë Ünal-Łukasz", Data.NonAsciiUser.DisplayName);
        Assert.Null(Data.NoMailUser.Mail);
        Assert.Contains(entries, e => e.Dn.EndsWith("OU=Contractors,OU=People,DC=example,DC=test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AccountControlAndExpiry_AreWhatWasGenerated()
    {
        var entries = await SearchAsync(
            Server.CaFile, "-b", Server.UsersDN, "(objectClass=user)", "sAMAccountName", "userAccountControl", "accountExpires");

        foreach (var user in Data.Users)
        {
            var entry = Assert.Single(entries, e => e.Value("sAMAccountName") == user.SamAccountName);
            var uac = int.Parse(entry.Value("userAccountControl")!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(user.UserAccountControl, uac);
            Assert.Equal(user.Disabled, (uac & 2) != 0);
            Assert.Equal(user.AccountExpires.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Value("accountExpires"));
        }

        Assert.True(Data.DisabledUser.Disabled);
        Assert.Equal(514, Data.DisabledUser.UserAccountControl);
        Assert.True(Data.ExpiredUser.Expired);
        Assert.Equal(132223104000000000, Data.ExpiredUser.AccountExpires);
        Assert.False(Data.ZeroExpiresUser.Expired);
        Assert.Equal(0, Data.ZeroExpiresUser.AccountExpires);
        Assert.Equal(1, Data.Users.Count(u => u.Disabled));
        Assert.Equal(1, Data.Users.Count(u => u.Expired));
    }

    [Fact]
    public async Task ObjectGuids_AreTheServersInDotNetByteOrder()
    {
        Assert.All(Data.Users, u => Assert.NotEqual(Guid.Empty, u.ObjectGuid));
        Assert.Equal(Data.Users.Count, Data.Users.Select(u => u.ObjectGuid).Distinct().Count());

        // The <GUID=…> extended DN form takes the GUID's string form: a wrong byte order would find nothing.
        var user = Data.NestedOnlyEngineer;
        var entries = await SearchAsync(Server.CaFile, "-b", $"<GUID={user.ObjectGuid}>", "-s", "base", "sAMAccountName");

        Assert.Equal(user.SamAccountName, Assert.Single(entries).Value("sAMAccountName"));
    }

    [Fact]
    public async Task InChainRule_FindsTheEngLeadWhoIsOnlyANestedEngineeringMember()
    {
        var nestedOnly = Data.NestedOnlyEngineer;
        Assert.DoesNotContain(Data.EngineeringDN, nestedOnly.DirectGroups);
        Assert.Contains(Data.EngineeringDN, nestedOnly.AllGroups);

        var direct = await SearchAsync(
            Server.CaFile, "-b", Server.UsersDN, $"(memberOf={Data.EngineeringDN})", "sAMAccountName");
        var inChain = await SearchAsync(
            Server.CaFile, "-b", Server.UsersDN,
            $"(memberOf:{GeneratedAdDirectory.InChainRule}:={Data.EngineeringDN})", "sAMAccountName", "memberOf");

        Assert.DoesNotContain(direct, e => e.Value("sAMAccountName") == nestedOnly.SamAccountName);
        var entry = Assert.Single(inChain, e => e.Value("sAMAccountName") == nestedOnly.SamAccountName);
        Assert.Equal(nestedOnly.DirectGroups.Order(StringComparer.OrdinalIgnoreCase),
            entry.Values("memberOf").Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(
            Data.Users.Where(u => u.AllGroups.Contains(Data.EngineeringDN)).Select(u => u.SamAccountName).Order(),
            inChain.Select(e => e.Value("sAMAccountName")!).Order());
    }

    [Fact]
    public async Task EmptyGroup_HasNoMembers()
    {
        var entries = await SearchAsync(Server.CaFile, "-b", Data.EmptyDN, "-s", "base", "member", "groupType");

        var entry = Assert.Single(entries);
        Assert.Empty(entry.Values("member"));
        Assert.Equal("-2147483646", entry.Value("groupType"));
    }

    [Fact]
    public async Task StartTls_OnThePlainPort_Works()
    {
        var result = await ExternalTool.RunAsync(
            "ldapsearch",
            ["-x", "-ZZ", "-LLL", "-o", "nettimeout=5", "-H", Server.Url, "-D", Server.ReaderDN, "-y", Server.ReaderPasswordFile,
             "-b", Data.CommaUser.Dn, "-s", "base", "sAMAccountName"],
            environment: Tls(Server.CaFile));

        Assert.Equal(Data.CommaUser.SamAccountName, Assert.Single(Ldif.Parse(result.EnsureSuccess().StandardOutput)).Value("sAMAccountName"));
    }

    [Fact]
    public async Task Ldaps_WithAnUntrustedCa_Fails()
    {
        var result = await RunSearchAsync(Server.UntrustedCaFile, "-b", "", "-s", "base", "defaultNamingContext");

        Assert.False(result.Succeeded);
        Assert.Contains("Can't contact LDAP server", result.StandardError, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<LdifEntry>> SearchAsync(string caFile, params string[] arguments) =>
        Ldif.Parse((await RunSearchAsync(caFile, arguments)).EnsureSuccess().StandardOutput);

    private Task<ToolResult> RunSearchAsync(string caFile, params string[] arguments) =>
        ExternalTool.RunAsync(
            "ldapsearch",
            ["-x", "-LLL", "-o", "ldif-wrap=no", "-o", "nettimeout=5", "-H", Server.LdapsUrl,
             "-D", Server.ReaderDN, "-y", Server.ReaderPasswordFile, .. arguments],
            environment: Tls(caFile));

    private static Dictionary<string, string?> Tls(string caFile) => new()
    {
        ["LDAPTLS_CACERT"] = caFile,
        ["LDAPTLS_REQCERT"] = "demand",
        ["LDAPTLS_CACERTDIR"] = null,
    };
}
