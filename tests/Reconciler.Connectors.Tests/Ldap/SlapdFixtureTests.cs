using Reconciler.Testing.Directories;

namespace Reconciler.Connectors.Tests.Ldap;

/// <summary>One real slapd shared by the tests of <see cref="SlapdFixtureTests"/>.</summary>
public sealed class SlapdFixture : IAsyncLifetime
{
    public SlapdServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SlapdServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Proves the slapd fixture with the real ldap-utils tools: plain, StartTLS and ldaps access as the reader, the
/// generated specials, the memberof overlay online, untrusted TLS failing, anonymous seeing nothing, and stop/restart.
/// </summary>
public sealed class SlapdFixtureTests(SlapdFixture fixture) : IClassFixture<SlapdFixture>
{
    /// <summary>How ldapsearch reaches the server.</summary>
    public enum Transport { Plain, StartTls, Ldaps }

    private SlapdServer Server => fixture.Server;

    private GeneratedDirectory Data => fixture.Server.Data;

    [Theory]
    [InlineData(1000)]
    [InlineData(7)]
    public async Task PagedSearch_AsTheReader_ReturnsEveryUser(int pageSize)
    {
        var entries = await SearchAsync(
            Transport.Plain, "-E", $"pr={pageSize}/noprompt", "-b", Server.PeopleDN, "(objectClass=inetOrgPerson)", "uid");

        Assert.Equal(Data.Users.Select(u => u.Uid).Order(), entries.Select(e => e.Value("uid")!).Order());
        Assert.Equal(Server.Options.Users, entries.Count);
        Assert.Contains(entries, e => e.Dn.EndsWith(Data.ContractorsDN, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartTls_WithTheTestCa_FindsTheDnWithAnEscapedComma()
    {
        var entries = await SearchAsync(Transport.StartTls, "-b", Data.CommaUser.Dn, "-s", "base", "cn", "uid");

        var groups = await SearchAsync(
            Transport.StartTls, "-b", Server.GroupsDN, $"(member={Ldif.EscapeFilterValue(Data.CommaUser.Dn)})", "member");

        var entry = Assert.Single(entries);
        Assert.Equal(@"cn=Smith\2C John,ou=people,dc=example,dc=com", entry.Dn); // OpenLDAP's pretty form of \,
        Assert.True(Ldif.DnEquals(Data.CommaUser.Dn, entry.Dn));
        Assert.Equal(["Smith, John"], entry.Values("cn"));
        Assert.Equal("user00001", entry.Value("uid"));
        Assert.Equal([Data.AllStaffDN, Data.ExecutivesDN], groups.Select(g => g.Dn).Order());
        Assert.All(groups, g => Assert.Contains(@"cn=Smith\, John,ou=people,dc=example,dc=com", g.Values("member")));
    }

    [Theory]
    [InlineData(@"cn=Smith\, John,ou=people,dc=example,dc=com", @"CN=smith\2c john, OU=People,DC=example,DC=com")]
    [InlineData("cn=山田 太郎,ou=people,dc=example,dc=com", @"cn=\E5\B1\B1\E7\94\B0 \E5\A4\AA\E9\83\8E,ou=people,dc=example,dc=com")]
    [InlineData(@"uid=x1+cn=Doe\, Jane,ou=people", @"cn=Doe\2C Jane+uid=x1,ou=people")]
    public void DnEquals_IgnoresEscapingCaseSpacingAndAvaOrder(string left, string right)
    {
        Assert.True(Ldif.DnEquals(left, right));
        Assert.False(Ldif.DnEquals(left, "uid=user00001,ou=people,dc=example,dc=com"));
        Assert.Equal(@"\28a\2a\5c\29", Ldif.EscapeFilterValue(@"(a*\)"));
    }

    [Fact]
    public async Task Ldaps_WithTheTestCa_ReturnsTheNonAsciiEntries()
    {
        var entries = await SearchAsync(
            Transport.Ldaps, "-b", Server.PeopleDN, "(|(uid=user00002)(uid=user00003))", "displayName", "sn");

        Assert.Equal(2, entries.Count);
        var zoe = Assert.Single(entries, e => e.Dn == Data.NonAsciiUser.Dn);
        Assert.Equal("Zoë Ünal-Łukasz", zoe.Value("displayName"));
        var taro = Assert.Single(entries, e => e.Dn == Data.CjkUser.Dn);
        Assert.Equal("cn=山田 太郎,ou=people,dc=example,dc=com", taro.Dn);
        Assert.Equal("山田 太郎", taro.Value("displayName"));
        Assert.Equal("山田", taro.Value("sn"));
    }

    [Fact]
    public async Task Ldaps_TrustingTheRehashedCaDirectory_Connects()
    {
        var result = await ExternalTool.RunAsync(
            "ldapsearch",
            ["-x", "-LLL", "-o", "nettimeout=5", "-H", Server.LdapsUrl, "-b", "", "-s", "base", "namingContexts"],
            environment: new Dictionary<string, string?>
            {
                ["LDAPTLS_CACERT"] = "", ["LDAPTLS_CACERTDIR"] = Server.CaDirectory, ["LDAPTLS_REQCERT"] = "demand",
            },
            cancellationToken: Timeout());

        Assert.Contains(Server.BaseDN, result.EnsureSuccess().StandardOutput);
        Assert.Contains(Directory.GetFiles(Server.CaDirectory), f => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(f), "^[0-9a-f]{8}\\.0$"));
    }

    [Fact]
    public async Task MemberOf_ListsDirectGroupsOnly_AndNestedGroupsCarryItToo()
    {
        var user = Data.NestedOnlyEngineer;

        var entry = Assert.Single(await SearchAsync(Transport.Plain, "-b", user.Dn, "-s", "base", "memberOf"));
        var group = Assert.Single(await SearchAsync(Transport.Plain, "-b", Data.EngLeadsDN, "-s", "base", "memberOf"));

        Assert.Equal(user.DirectGroups.Order(), entry.Values("memberOf").Order());
        Assert.DoesNotContain(Data.EngineeringDN, entry.Values("memberOf"));
        Assert.Contains(Data.EngineeringDN, user.AllGroups);
        Assert.Equal([Data.EngineeringDN], group.Values("memberOf"));
    }

    [Fact]
    public async Task AddingAMemberOnline_MakesTheOverlayMaintainMemberOf()
    {
        var user = Data.User(11);
        Assert.DoesNotContain(Data.ExecutivesDN, user.DirectGroups);

        await Server.ModifyAsync(MemberChange("add", user.Dn));
        try
        {
            var entry = Assert.Single(await SearchAsync(Transport.Plain, "-b", user.Dn, "-s", "base", "memberOf"));
            Assert.Contains(Data.ExecutivesDN, entry.Values("memberOf"));
        }
        finally
        {
            await Server.ModifyAsync(MemberChange("delete", user.Dn));
        }

        var after = Assert.Single(await SearchAsync(Transport.Plain, "-b", user.Dn, "-s", "base", "memberOf"));
        Assert.Equal(user.DirectGroups.Order(), after.Values("memberOf").Order());
    }

    [Theory]
    [InlineData(Transport.StartTls)]
    [InlineData(Transport.Ldaps)]
    public async Task Tls_WithAnUntrustedCa_Fails(Transport transport)
    {
        var result = await RunSearchAsync(transport, Server.UntrustedCaFile, reader: true, "-b", "", "-s", "base");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(Ldif.Parse(result.StandardOutput));
    }

    [Fact]
    public async Task Anonymous_SeesTheRootDseButNothingUnderTheBase()
    {
        var rootDse = (await RunSearchAsync(Transport.Plain, null, reader: false, "-b", "", "-s", "base", "namingContexts")).EnsureSuccess();
        var subtree = await RunSearchAsync(Transport.Plain, null, reader: false, "-b", Server.BaseDN, "(objectClass=*)");

        Assert.Equal([Server.BaseDN], Assert.Single(Ldif.Parse(rootDse.StandardOutput)).Values("namingContexts"));
        Assert.True(subtree.ExitCode is 0 or 32, subtree.StandardError);
        Assert.Empty(Ldif.Parse(subtree.StandardOutput));
    }

    [Fact]
    public async Task Reader_SeesLockTimesButNoPasswords_AndCannotWrite()
    {
        var locked = await SearchAsync(
            Transport.Plain, "-b", Server.PeopleDN, "(pwdAccountLockedTime=*)", "pwdAccountLockedTime");
        var reader = Assert.Single(await SearchAsync(Transport.Plain, "-b", Server.ReaderDN, "-s", "base", "userPassword", "cn"));
        var asAdmin = Assert.Single(await Server.SearchAsync(Server.ReaderDN, attributes: ["userPassword"], scope: "base"));
        var write = await ExternalTool.RunAsync(
            "ldapmodify", ["-x", "-H", Server.Url, "-D", Server.ReaderDN, "-w", Server.ReaderPassword],
            MemberChange("add", Data.User(12).Dn), cancellationToken: Timeout());

        Assert.Equal(
            [(Data.LockedUser.Dn, GeneratedDirectory.PermanentLockTime), (Data.TimeLockedUser.Dn, GeneratedDirectory.TimedLockTime)],
            locked.Select(e => (e.Dn, e.Value("pwdAccountLockedTime")!)).Order());
        Assert.Equal(["reader"], reader.Values("cn"));
        Assert.Empty(reader.Values("userPassword"));
        Assert.Equal([Server.ReaderPassword], asAdmin.Values("userPassword"));
        Assert.Equal(50, write.ExitCode); // insufficientAccessRights
        Assert.DoesNotContain(Server.ReaderPassword, write.CommandLine);
    }

    [Fact]
    public async Task AddRenameMoveAndDelete_AsTheAdmin()
    {
        var dn = $"uid=temp00001,{Server.PeopleDN}";
        var moved = $"uid=temp00002,{Data.ContractorsDN}";
        await Server.AddAsync($"""
            dn: {dn}
            objectClass: inetOrgPerson
            uid: temp00001
            cn: Temp One
            sn: One
            {Ldif.Line("displayName", "Ångström")}
            """);
        try
        {
            await Server.RenameAsync(dn, "uid=temp00002", Data.ContractorsDN);

            var entry = Assert.Single(await SearchAsync(Transport.Plain, "-b", moved, "-s", "base", "uid", "displayName"));
            Assert.Equal(["temp00002"], entry.Values("uid")); // -r removed the old RDN value
            Assert.Equal("Ångström", entry.Value("displayName"));
            Assert.Empty(await Server.SearchAsync(dn, scope: "base"));
        }
        finally
        {
            await Server.DeleteAsync(moved);
        }

        Assert.Empty(await Server.SearchAsync(moved, scope: "base"));
        var failure = await Assert.ThrowsAsync<ExternalToolException>(() => Server.DeleteAsync(moved));
        Assert.Contains("No such object", failure.Message);
        Assert.DoesNotContain(Server.AdminPassword, failure.Message);
    }

    [Fact]
    public async Task StopAsync_MakesTheServerGoAway_AndStartAgainBringsTheSameDataBack()
    {
        var url = Server.Url;

        await Server.StopAsync();
        var whileStopped = await RunSearchAsync(Transport.Plain, null, reader: true, "-b", Server.BaseDN, "-s", "base");
        await Server.StartAgainAsync();
        var entries = await SearchAsync(Transport.Plain, "-E", "pr=1000/noprompt", "-b", Server.PeopleDN, "(objectClass=inetOrgPerson)", "uid");

        Assert.NotEqual(0, whileStopped.ExitCode);
        Assert.Contains("Can't contact LDAP server", whileStopped.StandardError);
        Assert.True(Server.IsRunning);
        Assert.Equal(url, Server.Url);
        Assert.Equal(Server.Options.Users, entries.Count);
    }

    [Fact]
    public async Task ASizeLimitedServerWithoutTls_CutsTheReaderButNotTheAdmin()
    {
        await using var small = await SlapdServer.StartAsync(new SlapdOptions { Users = 10, SizeLimit = 5, Tls = false });

        var cut = await ExternalTool.RunAsync(
            "ldapsearch",
            ["-x", "-LLL", "-H", small.Url, "-D", small.ReaderDN, "-w", small.ReaderPassword, "-b", small.PeopleDN, "(uid=*)", "uid"],
            cancellationToken: Timeout());
        var all = await small.SearchAsync(small.PeopleDN, "(uid=*)", ["uid"]);

        Assert.Equal(4, cut.ExitCode); // sizeLimitExceeded
        Assert.Equal(5, Ldif.Parse(cut.StandardOutput).Count);
        Assert.Equal(10, all.Count);
        Assert.Throws<InvalidOperationException>(() => small.LdapsUrl);
        Assert.Throws<InvalidOperationException>(() => small.CaFile);
    }

    [Fact]
    public async Task AServerThatCannotStart_FailsWithTheReason()
    {
        var badData = await Assert.ThrowsAsync<SlapdStartException>(() => SlapdServer.StartAsync(new SlapdOptions
        {
            Users = 10,
            Tls = false,
            ExtraLdif = "dn: cn=x,ou=services,dc=example,dc=com\nobjectClass: noSuchClass\ncn: x\n",
        }));
        Assert.Contains("slapadd", badData.Message);
        Assert.Contains("noSuchClass", badData.Message);

        await using var server = await SlapdServer.StartAsync(new SlapdOptions { Users = 10, Tls = false });
        await server.StopAsync();
        var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, server.Port);
        squatter.Start();
        try
        {
            var taken = await Assert.ThrowsAsync<SlapdStartException>(() => server.StartAgainAsync());
            Assert.Contains("Address already in use", taken.Message);
            Assert.Contains($"-h {server.Url}/", taken.Message);
            Assert.DoesNotContain(server.AdminPassword, taken.Message);
        }
        finally
        {
            squatter.Stop();
        }

        await server.StartAgainAsync();
        Assert.Equal(10, (await server.SearchAsync(server.PeopleDN, "(uid=*)", ["uid"])).Count);
    }

    [Fact]
    public async Task TooFewUsers_IsRejectedBeforeAnythingStarts()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SlapdServer.StartAsync(new SlapdOptions { Users = 9 }));
    }

    [Fact]
    public void Generation_IsDeterministic_AndGroupsMatchMemberOf()
    {
        var options = new SlapdOptions { Users = 1000 };
        var first = new StringWriter();
        var second = new StringWriter();

        var data = GeneratedDirectory.Generate(options, "pw", first);
        GeneratedDirectory.Generate(options, "pw", second);
        var entries = Ldif.Parse(first.ToString());

        Assert.Equal(first.ToString(), second.ToString());
        Assert.Equal(1000 + 5 + 5 + 1, entries.Count); // users, groups, base + 4 OUs, reader
        var byDn = entries.ToDictionary(e => e.Dn);
        foreach (var group in data.Groups)
        {
            Assert.Equal(group.Members, byDn[group.Dn].Values("member"));
            foreach (var member in group.Members.Where(byDn.ContainsKey))
            {
                Assert.Contains(group.Dn, byDn[member].Values("memberOf"));
            }
        }

        Assert.Null(data.NoMailUser.Mail);
        Assert.Empty(byDn[data.NoMailUser.Dn].Values("mail"));
        Assert.Equal(100, data.Users.Count(u => u.IsContractor));
        Assert.DoesNotContain(data.MissingMemberDN, byDn.Keys);
        Assert.Equal(2, data.Users.Count(u => u.Locked));
    }

    private string MemberChange(string operation, string memberDn) => $"""
        dn: {Data.ExecutivesDN}
        changetype: modify
        {operation}: member
        member: {memberDn}

        """;

    private async Task<IReadOnlyList<LdifEntry>> SearchAsync(Transport transport, params string[] arguments)
    {
        var result = await RunSearchAsync(transport, transport == Transport.Plain ? null : Server.CaFile, reader: true, arguments);
        return Ldif.Parse(result.EnsureSuccess().StandardOutput);
    }

    private Task<ToolResult> RunSearchAsync(Transport transport, string? caFile, bool reader, params string[] arguments)
    {
        List<string> all = ["-x", "-LLL", "-o", "ldif-wrap=no", "-o", "nettimeout=5"];
        all.AddRange(transport == Transport.Ldaps ? ["-H", Server.LdapsUrl] : ["-H", Server.Url]);
        if (transport == Transport.StartTls)
        {
            all.Add("-ZZ");
        }

        if (reader)
        {
            all.AddRange(["-D", Server.ReaderDN, "-w", Server.ReaderPassword]);
        }

        all.AddRange(arguments);
        var environment = new Dictionary<string, string?> { ["LDAPTLS_CACERT"] = caFile, ["LDAPTLS_REQCERT"] = "demand" };
        return ExternalTool.RunAsync("ldapsearch", all, environment: environment, cancellationToken: Timeout());
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;
}
