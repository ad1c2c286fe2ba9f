using Reconciler.IntegrationTests.Support;
using Reconciler.Testing.Directories;

namespace Reconciler.IntegrationTests;

/// <summary>`reconciler apply` of examples/active-directory against a real Samba AD domain controller over LDAPS.</summary>
public sealed class ActiveDirectorySyncTests : IAsyncLifetime
{
    private SambaDcServer _server = null!;
    private Workspace _workspace = null!;

    public async Task InitializeAsync()
    {
        _server = await SambaDcServer.StartAsync(new SambaOptions { Users = 15 });
        _workspace = Workspace.Empty();
        Directory.CreateDirectory(_workspace.Config);
        _workspace.Write("ad-password", _server.ReaderPassword + "\n");
        _workspace.Write("ad-ca.pem", File.ReadAllText(_server.CaFile));
        // examples/active-directory as a user would adapt it: the DC's URL, its CA, the password from a file.
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "examples", "active-directory"), "*.yaml"))
        {
            _workspace.Write(Path.GetFileName(file), File.ReadAllText(file)
                .Replace("ldaps://dc1.example.test:636", _server.LdapsUrl, StringComparison.Ordinal)
                .Replace("# caFile: ad-ca.pem", "caFile: ad-ca.pem", StringComparison.Ordinal)
                .Replace("{env: AD_BIND_PASSWORD}", "{file: ad-password}", StringComparison.Ordinal));
        }
        Assert.Equal("CN=Reconciler Reader,CN=Users,DC=example,DC=test", _server.ReaderDN);
        Assert.Equal("OU=People,DC=example,DC=test", _server.UsersDN);
    }

    public async Task DisposeAsync()
    {
        _workspace.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task TheExample_ProvisionsEnabledAdUsers_ByUpn_WithNestedGroupsAndOus_ThenFollowsChangesIncrementally()
    {
        await _workspace.ApplyOk();

        var users = (await _workspace.Users()).ToDictionary(u => Expect.Str(u, "userName"));
        // Disabled and expired accounts, and users without mail, are not imported.
        var expected = _server.Data.Users.Where(u => !u.Disabled && !u.Expired && u.Mail is not null).ToList();
        Assert.Equal(expected.Count, users.Count);
        foreach (var user in expected) Assert.Equal(user.ObjectGuid.ToString(), Expect.Str(users[user.UserPrincipalName], "externalId"));
        Assert.Equal("engineering", Expect.Str(users[_server.Data.NestedOnlyEngineer.UserPrincipalName], "mapping"));
        bool Engineer(GeneratedAdUser u) => u.AllGroups.Contains(_server.Data.EngineeringDN, StringComparer.OrdinalIgnoreCase);
        // Every generated contractor is an engineer, and engineering (priority 10) wins over contractors (20).
        Assert.All(expected.Where(u => u.IsContractor), u => Assert.Equal("engineering", Expect.Str(users[u.UserPrincipalName], "mapping")));
        var mover = expected.First(u => !u.IsContractor && !Engineer(u));
        Assert.Equal("everyone", Expect.Str(users[mover.UserPrincipalName], "mapping"));

        // Moved into OU=Contractors: the next (incremental) pass reads the move and maps the same user by OU.
        await _server.ModifyAsync($"""
            dn: {mover.Dn}
            changetype: modrdn
            newrdn: {mover.Dn[..mover.Dn.IndexOf(",OU=", StringComparison.Ordinal)]}
            deleteoldrdn: 1
            newsuperior: {_server.Data.ContractorsDN}

            """);
        var move = await _workspace.Apply("--debug");
        Expect.Exit(0, move);
        Assert.Contains("(Delta, 1 changed)", move.Stderr);
        var moved = (await _workspace.Users()).Single(u => Expect.Str(u, "userName") == mover.UserPrincipalName);
        Assert.Equal(mover.ObjectGuid.ToString(), Expect.Str(moved, "externalId"));
        Assert.Equal("contractors", Expect.Str(moved, "mapping"));
        Assert.DoesNotContain(_server.Data.DisabledUser.UserPrincipalName, users.Keys);
        Assert.DoesNotContain(_server.Data.ExpiredUser.UserPrincipalName, users.Keys);

        // The account is disabled in AD: the user is preserved, with their data.
        var leaving = expected.First(u => u.Index > 9 && u != mover);
        await _server.ModifyAsync($"""
            dn: {leaving.Dn}
            changetype: modify
            replace: userAccountControl
            userAccountControl: 514

            """);
        var plan = await _workspace.Plan();
        Expect.Exit(2, plan);
        Assert.Equal(1, Expect.Int(PlanApplyTests.Summary(plan), "preserve"));
        // Read incrementally, by uSNChanged: only the changed account comes back.
        var apply = await _workspace.Apply("--debug");
        Expect.Exit(0, apply);
        Assert.Contains("(Delta, 1 changed)", apply.Stderr);
        Assert.Equal("Preserved", Expect.Str((await _workspace.Users()).Single(u => Expect.Str(u, "userName") == leaving.UserPrincipalName), "state"));

        // Deleted from AD: the next incremental pass notices it (the id-only search no longer names it) and preserves it.
        var deleted = expected.Last(u => u != leaving && u != mover);
        await _server.DeleteAsync(deleted.Dn);
        var afterDelete = await _workspace.Apply("--debug");
        Expect.Exit(0, afterDelete);
        Assert.Contains("(Delta, 0 changed)", afterDelete.Stderr);
        Assert.Equal("Preserved", Expect.Str((await _workspace.Users()).Single(u => Expect.Str(u, "userName") == deleted.UserPrincipalName), "state"));
    }
}
