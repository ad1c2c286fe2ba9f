namespace Reconciler.Sources.Tests.Folder;

public sealed class SourceCheckTests
{
    [Fact]
    public void Load_AcceptsAnLdapSource()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp-ldap}
            spec:
              type: Ldap
              ldap: {url: "ldaps://ldap.example.com", baseDN: "dc=example,dc=com", bindDN: "cn=reader,dc=example,dc=com", bindPassword: {env: LDAP_BIND_PASSWORD}, timeout: 45s}
            """);

        Assert.Empty(config.Load().Errors);
    }

    [Fact]
    public void Load_ReportsWhatIsWrongWithAnLdapSource_BeforeConnecting()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp-ldap}
            spec:
              type: Ldap
              ldap:
                url: http://ldap.example.com
                baseDN: " "
                bindDN: cn=reader,dc=example,dc=com
                pageSize: 0
                timeout: 2h
                caFile: certs/missing.pem
            """ + "\n---\n" + TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: other-ldap}
            spec:
              type: Ldap
              ldap: {url: "ldaps://ldap.example.com/dc=example,dc=com", baseDN: "dc=example,dc=com", startTLS: true, bindPassword: {env: X}}
            """ + "\n---\n" + TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: no-settings}
            spec: {type: Ldap}
            """);

        config.AssertErrors(
            "test.yaml:6:3: spec.ldap.bindPassword: bindDN is set but bindPassword is not: a bind without a password is refused",
            "test.yaml:7:10: spec.ldap.url: 'http://ldap.example.com' is not an ldap:// or ldaps:// URL with a host, e.g. ldaps://ldap.example.com:636",
            "test.yaml:8:13: spec.ldap.baseDN: baseDN must name the subtree users are searched in",
            "test.yaml:10:15: spec.ldap.pageSize: pageSize 0 is out of range: it must be between 1 and 10000",
            "test.yaml:11:14: spec.ldap.timeout: '2h' is out of range: timeout must be between 1s and 10m",
            "test.yaml:12:13: spec.ldap.caFile: 'certs/missing.pem' is neither a file nor a folder",
            "test.yaml:19:3: spec.ldap.bindDN: bindPassword is set but bindDN is not",
            "test.yaml:19:15: spec.ldap.url: 'ldaps://ldap.example.com/dc=example,dc=com' names more than a server: put the base DN in spec.ldap.baseDN",
            "test.yaml:24:1: spec.ldap: an Ldap source needs spec.ldap: at least url and baseDN");
    }

    [Fact]
    public void Load_ReportsAFullSyncIntervalOutOfRange()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp-ldap}
            spec:
              type: Ldap
              fullSyncInterval: 30s
              ldap: {url: "ldap://127.0.0.1:3890", baseDN: "dc=example,dc=com"}
            """);

        config.AssertErrors("test.yaml:6:21: spec.fullSyncInterval: '30s' is out of range: fullSyncInterval must be between 1m and 720h");
    }

    [Fact]
    public void Load_ReportsSettingsBlockOfAnotherType()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec:
              type: Csv
              csv: {path: users.csv}
              scim: {tokenTTL: 24h}
            """);

        config.AssertErrors("test.yaml:7:3: spec.scim: scim settings are for Scim sources, but spec.type is Csv");
    }

    [Fact]
    public void Load_ReportsCsvSourceWithoutPath()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec:
              type: Csv
            """);

        config.AssertErrors("test.yaml:4:1: spec.csv.path: a Csv source needs spec.csv.path: the CSV export, relative to this file");
    }

    [Fact]
    public void Load_ReportsMissingCsvFileWithResolvedPath()
    {
        using var config = new TempConfig().WithBase().Write("teams/test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec:
              type: Csv
              csv:
                path: exports/people.csv
            """);

        var error = Assert.Single(config.Load().Errors);

        Assert.Equal(
            $"{Path.Join(config.Directory, "teams", "test.yaml")}:7:11: spec.csv.path: file '{Path.Join(config.Directory, "teams", "exports", "people.csv")}' does not exist",
            error.ToString());
    }

    [Fact]
    public void Load_ReportsBadAndZeroDurations()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec:
              type: Csv
              csv: {path: users.csv}
              syncInterval: 1 hour
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata: {name: corp2}
            spec:
              type: Csv
              csv: {path: users.csv}
              syncInterval: 0s
            """);

        config.AssertErrors(
            "test.yaml:7:17: spec.syncInterval: '1 hour' is not a duration; write e.g. 30s, 15m, 1h, 24h (units ms, s, m, h)",
            "test.yaml:15:17: spec.syncInterval: '0s' is out of range: syncInterval must be between 1s and 720h");
    }

    [Fact]
    public void Load_ReportsScimTokenTtlThatIsNotADuration()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: okta}
            spec:
              type: Scim
              scim: {tokenTTL: 1y}
            """);

        config.AssertErrors(
            "test.yaml:6:20: spec.scim.tokenTTL: '1y' is not a duration; write e.g. 30s, 15m, 1h, 24h (units ms, s, m, h)");
    }

    [Fact]
    public void Load_ReportsDeletionGuardOutOfRange()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec:
              type: Csv
              csv: {path: users.csv}
              deletionGuard:
                maxDeletePercent: 150
                maxDeleteCount: -1
            """);

        config.AssertErrors(
            "test.yaml:8:23: spec.deletionGuard.maxDeletePercent: maxDeletePercent must be between 0 and 100",
            "test.yaml:9:21: spec.deletionGuard.maxDeleteCount: maxDeleteCount must not be negative");
    }

    [Fact]
    public void Load_ReportsSecretReferenceWithNoneOrSeveralPlaces()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp-ldap}
            spec:
              type: ActiveDirectory
              ldap:
                url: ldaps://dc1.example.com
                baseDN: dc=example,dc=com
                bindDN: reader@example.com
                bindPassword: {env: AD_PASSWORD, file: /run/secrets/ad}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata: {name: google}
            spec:
              type: GoogleWorkspace
              googleWorkspace:
                adminEmail: admin@example.com
                serviceAccountKey: {}
            """);

        config.AssertErrors(
            "test.yaml:10:19: spec.ldap.bindPassword: set only one of env, file or secretRef, not env and file",
            "test.yaml:16:9: spec.type: type GoogleWorkspace is not supported yet",
            "test.yaml:19:24: spec.googleWorkspace.serviceAccountKey: set one of env, file or secretRef");
    }
}
