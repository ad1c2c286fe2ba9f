using Reconciler.IntegrationTests.Support;
using Reconciler.Testing.Directories;

namespace Reconciler.IntegrationTests;

/// <summary>`reconciler apply` against a real Samba AD domain controller over LDAPS.</summary>
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
        _workspace.Write("ca.pem", File.ReadAllText(_server.CaFile));
        _workspace.Write("ad.yaml", $$"""
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata: {name: corp-ad}
            spec:
              type: ActiveDirectory
              ldap:
                url: {{_server.LdapsUrl}}
                caFile: ca.pem
                bindDN: "{{_server.ReaderDN}}"
                bindPassword: {file: ad-password}
                baseDN: "{{_server.UsersDN}}"
                groupBaseDN: "{{_server.GroupsDN}}"
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: engineering}
            spec:
              sourceRef: {name: corp-ad}
              priority: 10
              filter:
                groups:
                  - "{{_server.Data.EngineeringDN}}"
              profile: laptops-engineering
              storageRegion: eu-west
              quota: 100Gi
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: everyone}
            spec:
              sourceRef: {name: corp-ad}
              priority: 100
              profile: laptops-standard
              storageRegion: eu-west
              quota: 50Gi
            """);
    }

    public async Task DisposeAsync()
    {
        _workspace.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Apply_ProvisionsEnabledAdUsers_ByUpn_WithNestedGroups()
    {
        await _workspace.ApplyOk();

        var users = (await _workspace.Users()).ToDictionary(u => Expect.Str(u, "userName"));
        // Disabled and expired accounts, and users without mail, are not imported.
        var expected = _server.Data.Users.Where(u => !u.Disabled && !u.Expired && u.Mail is not null).ToList();
        Assert.Equal(expected.Count, users.Count);
        foreach (var user in expected) Assert.Equal(user.ObjectGuid.ToString(), Expect.Str(users[user.UserPrincipalName], "externalId"));
        Assert.Equal("engineering", Expect.Str(users[_server.Data.NestedOnlyEngineer.UserPrincipalName], "mapping"));
        Assert.DoesNotContain(_server.Data.DisabledUser.UserPrincipalName, users.Keys);
        Assert.DoesNotContain(_server.Data.ExpiredUser.UserPrincipalName, users.Keys);

        // The account is disabled in AD: the user is preserved, with their data.
        var leaving = expected.First(u => u.Index > 9);
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
        var deleted = expected.Last(u => u != leaving);
        await _server.DeleteAsync(deleted.Dn);
        var afterDelete = await _workspace.Apply("--debug");
        Expect.Exit(0, afterDelete);
        Assert.Contains("(Delta, 0 changed)", afterDelete.Stderr);
        Assert.Equal("Preserved", Expect.Str((await _workspace.Users()).Single(u => Expect.Str(u, "userName") == deleted.UserPrincipalName), "state"));
    }
}
