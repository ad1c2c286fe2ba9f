namespace Reconciler.Sources.Tests.Folder;

public sealed class SchemaErrorTests
{
    [Fact]
    public void Load_ReportsUnknownFieldWithSuggestion()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", """
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata:
              name: corp-ldap
            spec:
              type: Ldap
              ldap:
                url: ldap://127.0.0.1:3890
                baseDN: dc=example,dc=com
                bindPasword: {env: LDAP_BIND_PASSWORD}
              colour: blue
            """);

        // The rest of the document is still checked, so its other problem comes in the same run.
        config.AssertErrors(
            "test.yaml:10:5: spec.ldap.bindPasword: unknown field 'bindPasword' (did you mean 'bindPassword'?)",
            "test.yaml:11:3: spec.colour: unknown field 'colour'");
    }

    [Fact]
    public void Load_ReportsSchemaAndSemanticErrorsOfOneDocumentTogether_WithoutEchoesOnRefusedFields()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csvv}
              priority: high
              profile: laptops
              storageRegion: us-east
              quota: 50GB
              filter:
                attributes:
                  - {name: department, operator: Sideways, values: [x]}
            """);

        config.AssertErrors(
            "test.yaml:5:21: spec.sourceRef.name: DirectorySource 'hr-csvv' does not exist (did you mean 'hr-csv'?)",
            "test.yaml:6:13: spec.priority: expected an integer, got a string",
            "test.yaml:9:10: spec.quota: '50GB' is not a quantity; write e.g. 500Mi, 50Gi, 1Ti, or 0 for unlimited",
            "test.yaml:12:38: spec.filter.attributes[0].operator: must be one of In, NotIn, Exists, Equals, StartsWith, Matches");
    }

    [Fact]
    public void Load_ReportsWrongTypes()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", """
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata:
              name: corp
            spec:
              type: Csv
              csv: {path: users.csv}
              suspend: maybe
              deletionGuard:
                maxDeletePercent: "10"
                maxDeleteCount: 1.5
              attributes: [email]
            """);

        config.AssertErrors(
            "test.yaml:8:12: spec.suspend: expected a boolean (true or false), got a string",
            "test.yaml:10:23: spec.deletionGuard.maxDeletePercent: expected an integer, got a string",
            "test.yaml:11:21: spec.deletionGuard.maxDeleteCount: expected an integer, got a number",
            "test.yaml:12:15: spec.attributes: expected an object, got a list");
    }

    [Fact]
    public void Load_ReportsNumberWhereTextIsExpected()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DeploymentCampaign
            metadata: {name: wave}
            spec:
              method: ActiveDirectory
              clientVersion: 7.5
            """);

        config.AssertErrors("test.yaml:6:18: spec.clientVersion: expected a string, got a number (put it in quotes to make it text)");
    }

    [Fact]
    public void Load_ReportsMissingRequiredFields()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", """
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata:
              name: eng
            spec:
              sourceRef: {}
              storageRegion: us-east
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: StorageQuotaPolicy
            metadata: {}
            """);

        config.AssertErrors(
            "test.yaml:5:1: spec: missing required field 'profile'",
            "test.yaml:6:3: spec.sourceRef: missing required field 'name'",
            "test.yaml:9:1: StorageQuotaPolicy: missing required field 'spec'",
            "test.yaml:11:1: metadata: missing required field 'name'");
    }

    [Fact]
    public void Load_ReportsEmptyRequiredText()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csv}
              profile: ""
              storageRegion: us-east
            """);

        config.AssertErrors("test.yaml:6:12: spec.profile: must not be empty");
    }

    [Fact]
    public void Load_ReportsValueOutsideEnumWithSuggestion()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec:
              type: csv
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: corp}
              profile: laptops
              storageRegion: us-east
              loginMechanism: Kerberos
            """);

        config.AssertErrors(
            "test.yaml:5:9: spec.type: must be one of Ldap, ActiveDirectory, Scim, AzureAD, GoogleWorkspace, Csv (did you mean 'Csv'?)",
            "test.yaml:14:19: spec.loginMechanism: must be one of DirectoryPassword, SingleSignOn, GeneratedPassword");
    }

    [Fact]
    public void Load_ReportsPlaintextSecretWithoutEchoingIt()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: entra}
            spec:
              type: AzureAD
              azureAD:
                tenantId: contoso
                clientId: app
                clientSecret: s3cr3t-Value-42
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata: {name: google}
            spec:
              type: GoogleWorkspace
              googleWorkspace:
                adminEmail: admin@example.com
                serviceAccountKey: {value: s3cr3t-Value-42}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata: {name: corp-ldap}
            spec:
              type: Ldap
              ldap: {url: "ldap://127.0.0.1:3890", baseDN: "dc=example,dc=com", bindPassword: s3cr3t-Value-42}
            """);

        var errors = config.Errors();

        Assert.Equal(
            [
                "test.yaml:9:19: spec.azureAD.clientSecret: plaintext secrets are not allowed: use {env: NAME}, {file: PATH} or {secretRef: {name, key}}",
                "test.yaml:18:25: spec.googleWorkspace.serviceAccountKey.value: unknown field 'value'",
                "test.yaml:25:83: spec.ldap.bindPassword: plaintext secrets are not allowed: use {env: NAME}, {file: PATH} or {secretRef: {name, key}}",
            ],
            errors.Where(e => !e.Contains("is not supported yet", StringComparison.Ordinal)));
        Assert.DoesNotContain(errors, e => e.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ReportsNullForRequiredObject()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec:
              type: Csv
              csv: {path: users.csv}
              deletionGuard:
              attributes:
            """);

        config.AssertErrors("test.yaml:7:17: spec.deletionGuard: expected an object, got an empty value");
    }

    [Fact]
    public void Load_ReportsNumberTooLargeForField()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csv}
              priority: 99999999999
              profile: laptops
              storageRegion: us-east
            """);

        config.AssertErrors("test.yaml:6:13: spec.priority: the value does not fit this field (out of range)");
    }

    [Fact]
    public void Load_ReportsOnlyTheTypeOfAWronglyTypedEnum()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp}
            spec: {type: 5}
            """);

        config.AssertErrors("test.yaml:4:14: spec.type: expected a string, got an integer");
    }
}
