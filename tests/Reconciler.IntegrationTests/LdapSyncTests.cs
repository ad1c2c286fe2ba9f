using System.Text.Json;
using Reconciler.IntegrationTests.Support;
using Reconciler.Testing.Directories;

namespace Reconciler.IntegrationTests;

/// <summary>One real slapd per test (each test changes its directory).</summary>
public sealed class LdapSyncTests : IAsyncLifetime
{
    private SlapdServer _server = null!;
    private Workspace _workspace = null!;

    public async Task InitializeAsync()
    {
        _server = await SlapdServer.StartAsync(new SlapdOptions { Users = 40 });
        _workspace = Workspace.Empty();
        Directory.CreateDirectory(_workspace.Config);
        _workspace.Write("ldap-password", _server.ReaderPassword + "\n");
        _workspace.Write("ca.pem", File.ReadAllText(_server.CaFile));
        _workspace.Write("ldap.yaml", $$"""
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata: {name: corp-ldap}
            spec:
              type: Ldap
              deletionGuard: {maxDeletePercent: 50}
              ldap:
                url: {{_server.LdapsUrl}}
                caFile: ca.pem
                bindDN: "{{_server.ReaderDN}}"
                bindPassword: {file: ldap-password}
                baseDN: "{{_server.PeopleDN}}"
                groupBaseDN: "{{_server.GroupsDN}}"
                pageSize: 9
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: engineering}
            spec:
              sourceRef: {name: corp-ldap}
              priority: 10
              filter:
                groups:
                  - "{{_server.Data.EngineeringDN}}"
              profile: laptops-engineering
              storageRegion: eu-west
              quotaPolicyRef: {name: standard}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: contractors}
            spec:
              sourceRef: {name: corp-ldap}
              priority: 5
              filter: {organizationalUnit: "ou=contractors,{{_server.PeopleDN}}"}
              profile: laptops-contractors
              storageRegion: eu-west
              quotaPolicyRef: {name: standard}
              preserveUnmappedUsers: false
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: everyone}
            spec:
              sourceRef: {name: corp-ldap}
              priority: 100
              profile: laptops-standard
              storageRegion: eu-west
              quotaPolicyRef: {name: standard}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: StorageQuotaPolicy
            metadata: {name: standard}
            spec: {quota: 50Gi, allowedRegions: [eu-west]}
            """);
    }

    public async Task DisposeAsync()
    {
        _workspace.Dispose();
        await _server.DisposeAsync();
    }

    private GeneratedDirectory Data => _server.Data;

    private async Task<Dictionary<string, JsonElement>> UsersByName() =>
        (await _workspace.Users()).ToDictionary(u => Expect.Str(u, "userName"));

    [Fact]
    public async Task Apply_ProvisionsTheDirectory_ThenFollowsItsChanges()
    {
        await _workspace.ApplyOk();

        var users = await UsersByName();
        // Users without mail are never imported; locked accounts are not imported at first sight.
        var expected = Data.Users.Where(u => u.Mail is not null && !u.Locked).ToList();
        Assert.Equal(expected.Count, users.Count);
        Assert.Equal(Data.NestedOnlyEngineer.IsContractor ? "contractors" : "engineering", Expect.Str(users[Data.NestedOnlyEngineer.Uid], "mapping"));
        Assert.Equal("Smith, John", Expect.Str(users[Data.CommaUser.Uid], "displayName"));
        Assert.Equal(Data.NonAsciiUser.Cn, Expect.Str(users[Data.NonAsciiUser.Uid], "displayName"));
        var contractor = expected.First(u => u.IsContractor);
        var mappingAfterMove = contractor.AllGroups.Contains(Data.EngineeringDN, StringComparer.OrdinalIgnoreCase) ? "engineering" : "everyone";
        Assert.Equal("contractors", Expect.Str(users[contractor.Uid], "mapping"));
        Expect.Exit(0, await _workspace.Plan());

        // The directory changes: a new address, a lock, a deletion, and a move out of ou=contractors.
        var renamed = expected.First(u => u.Index > 10 && !u.IsContractor);
        var locked = expected.First(u => u.Index > renamed.Index && !u.IsContractor);
        var deleted = expected.First(u => u.Index > locked.Index && !u.IsContractor);
        await _server.ModifyAsync($"""
            dn: {renamed.Dn}
            changetype: modify
            replace: mail
            mail: renamed-{renamed.Uid}@example.com

            dn: {locked.Dn}
            changetype: modify
            add: pwdAccountLockedTime
            pwdAccountLockedTime: 000001010000Z

            """);
        await _server.DeleteAsync(deleted.Dn);
        await _server.RenameAsync(contractor.Dn, $"uid={contractor.Uid}", _server.PeopleDN);

        var plan = await _workspace.Plan();
        Expect.Exit(2, plan);
        var summary = PlanApplyTests.Summary(plan);
        Assert.Equal(2, Expect.Int(summary, "update"));  // the new address; the move to another mapping
        Assert.Equal(2, Expect.Int(summary, "preserve")); // the locked one and the deleted one keep their data
        Assert.Equal(0, Expect.Int(summary, "create"));
        Assert.Equal(0, Expect.Int(summary, "disable"));

        await _workspace.ApplyOk();
        users = await UsersByName();
        Assert.Equal($"renamed-{renamed.Uid}@example.com", Expect.Str(users[renamed.Uid], "email"));
        Assert.Equal("Preserved", Expect.Str(users[locked.Uid], "state"));
        Assert.Equal("Preserved", Expect.Str(users[deleted.Uid], "state"));
        // Moved, not deleted and created again: the same id, now matched by another mapping.
        Assert.Equal(mappingAfterMove, Expect.Str(users[contractor.Uid], "mapping"));
        Assert.Equal("Active", Expect.Str(users[contractor.Uid], "state"));
        Assert.Equal(expected.Count, users.Count);
        Expect.Exit(0, await _workspace.Plan());
    }

    [Fact]
    public async Task TheNextApply_ReadsOnlyWhatChangedSinceTheLast()
    {
        await _workspace.ApplyOk();
        var someone = Data.Users.First(u => u.Index > 10 && u.Mail is not null && !u.Locked);
        await _server.ModifyAsync($"""
            dn: {someone.Dn}
            changetype: modify
            replace: title
            title: Chief Tinkerer

            """);

        var apply = await _workspace.Apply("--debug");

        Expect.Exit(0, apply);
        Assert.Contains("(Delta, 1 changed)", apply.Stderr);
        Assert.Contains("Applied 1 change(s)", apply.Stdout);
        Assert.Equal("Chief Tinkerer", Expect.Str((await UsersByName())[someone.Uid], "title"));
        var quiet = await _workspace.Apply("--debug");
        Assert.Contains("(Delta, 0 changed)", quiet.Stderr);
    }

    [Fact]
    public async Task AMappingsRawLdapFilter_IsEvaluatedByTheServer_OnFullAndIncrementalReads()
    {
        _workspace.Write("sales.yaml", """
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: sales}
            spec:
              sourceRef: {name: corp-ldap}
              priority: 15
              filter: {ldapFilter: "(departmentNumber=Sales)"}
              profile: laptops-sales
              storageRegion: eu-west
              quotaPolicyRef: {name: standard}
            """);

        await _workspace.ApplyOk();

        var users = await UsersByName();
        // Neither a contractor (priority 5) nor in engineering (priority 10, nested groups count).
        var people = Data.Users.Where(u => u.Mail is not null && !u.Locked && !u.IsContractor
            && !u.AllGroups.Contains(Data.EngineeringDN, StringComparer.OrdinalIgnoreCase)).ToList();
        Assert.All(people.Where(u => u.Department == "Sales"), u => Assert.Equal("sales", Expect.Str(users[u.Uid], "mapping")));
        Assert.All(people.Where(u => u.Department == "Support"), u => Assert.Equal("everyone", Expect.Str(users[u.Uid], "mapping")));

        var mover = people.First(u => u.Department == "Support" && u.Index > 10);
        await _server.ModifyAsync($"""
            dn: {mover.Dn}
            changetype: modify
            replace: departmentNumber
            departmentNumber: Sales

            """);
        var apply = await _workspace.Apply("--debug");

        Expect.Exit(0, apply);
        Assert.Contains("(Delta, 1 changed)", apply.Stderr);
        Assert.Equal("sales", Expect.Str((await UsersByName())[mover.Uid], "mapping"));
    }

    [Fact]
    public async Task TheLdapExample_AppliesToTheDemoDirectory()
    {
        using var example = Workspace.Empty();
        Directory.CreateDirectory(example.Config);
        example.Write("ldap-password", _server.ReaderPassword);
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "examples", "ldap"), "*.yaml"))
        {
            example.Write(Path.GetFileName(file), File.ReadAllText(file)
                .Replace("ldap://127.0.0.1:3890", _server.Url, StringComparison.Ordinal)
                .Replace("cn=reader,ou=services,dc=example,dc=com", _server.ReaderDN, StringComparison.Ordinal)
                .Replace("{env: LDAP_BIND_PASSWORD}", "{file: ldap-password}", StringComparison.Ordinal));
        }

        await example.ApplyOk();

        var users = (await example.Users()).ToDictionary(u => Expect.Str(u, "userName"));
        Assert.Equal(Data.Users.Count(u => u.Mail is not null && !u.Locked), users.Count);
        Assert.Equal("engineering", Expect.Str(users[Data.NestedOnlyEngineer.Uid], "mapping"));
        // Every generated contractor is in R&D or Platform, so engineering (priority 10) wins over contractors (20).
        bool Plain(GeneratedUser u) => u.Mail is not null && !u.Locked && !u.IsContractor
            && !u.AllGroups.Contains(Data.EngineeringDN, StringComparer.OrdinalIgnoreCase);
        var sales = Data.Users.First(u => Plain(u) && u.Department == "Sales" && u.Title != "Vice President");
        Assert.Equal("everyone-else", Expect.Str(users[sales.Uid], "mapping"));
        // sales-leadership's ldapFilter is decided by slapd
        var leader = Data.Users.First(u => Plain(u) && u.Department == "Sales" && u.Title == "Vice President");
        Assert.Equal("sales-leadership", Expect.Str(users[leader.Uid], "mapping"));
        Assert.All(Data.Users.Where(u => u.IsContractor && u.Mail is not null && !u.Locked),
            u => Assert.Equal("engineering", Expect.Str(users[u.Uid], "mapping")));
    }

    [Fact]
    public async Task WrongPassword_ApplyChangesNothing_RunStallsTheSourceUntilTheSecretIsFixed()
    {
        await _workspace.ApplyOk();
        var before = _workspace.StoreFingerprint();
        _workspace.Write("ldap-password", "not-the-password-42\n");

        var apply = await _workspace.Apply();

        Expect.Exit(1, apply);
        Assert.Contains($"{_server.LdapsUrl}: the bind as '{_server.ReaderDN}' was refused: invalid credentials", apply.Output);
        Assert.DoesNotContain("not-the-password-42", apply.Output);
        Assert.Equal(before, _workspace.StoreFingerprint());

        await using var run = await RunningReconciler.StartAsync(_workspace, TimeSpan.FromSeconds(30), readiness: "/healthz");
        JsonElement? stalled = null;
        var seen = await Poll.UntilAsync(TimeSpan.FromSeconds(20), async () =>
        {
            stalled = SourceCondition(await _workspace.Run("status", "--store", Workspace.StoreFile, "--output", "json"), "Stalled");
            return stalled is { } c && Expect.Str(c, "status") == "True";
        });
        Assert.True(seen, "the source never stalled:\n" + run.Log);
        Assert.Contains("invalid credentials", Expect.Str(stalled!.Value, "message"));
        Assert.DoesNotContain("not-the-password-42", run.Log);

        // A stalled source is tried again once its secret changes.
        _workspace.Write("ldap-password", _server.ReaderPassword + "\n");
        var ready = await Poll.UntilAsync(TimeSpan.FromSeconds(30), async () =>
            SourceCondition(await _workspace.Run("status", "--store", Workspace.StoreFile, "--output", "json"), "Ready") is { } c
            && Expect.Str(c, "status") == "True");
        Assert.True(ready, "the source did not recover after the password was fixed:\n" + run.Log);
    }

    private static JsonElement? SourceCondition(CliResult status, string type)
    {
        if (status.ExitCode != 0) return null;
        var source = Workspace.ParseJson(status).GetProperty("resources").EnumerateArray().SingleOrDefault(r => Expect.Str(r, "kind") == "DirectorySource");
        if (source.ValueKind != JsonValueKind.Object) return null;
        return source.GetProperty("status").GetProperty("conditions").EnumerateArray().Single(c => Expect.Str(c, "type") == type);
    }

    [Fact]
    public async Task ServerDown_FailsTheReadAndPreservesNobody()
    {
        await _workspace.ApplyOk();
        await _server.StopAsync();

        var apply = await _workspace.Apply();

        Expect.Exit(1, apply);
        Assert.Contains($"{_server.LdapsUrl}: cannot connect", apply.Output);
        Assert.Empty(await _workspace.Users("Preserved"));
        await _server.StartAgainAsync();
        Expect.Exit(0, await _workspace.Plan());
    }
}
