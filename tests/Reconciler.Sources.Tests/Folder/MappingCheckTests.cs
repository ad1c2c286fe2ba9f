namespace Reconciler.Sources.Tests.Folder;

public sealed class MappingCheckTests
{
    [Fact]
    public void Load_ReportsDanglingReferencesWithSuggestion()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-cvs}
              profile: laptops
              storageRegion: us-east
              quotaPolicyRef: {name: gold}
            """);

        config.AssertErrors(
            "test.yaml:5:21: spec.sourceRef.name: DirectorySource 'hr-cvs' does not exist (did you mean 'hr-csv'?)",
            "test.yaml:8:26: spec.quotaPolicyRef.name: StorageQuotaPolicy 'gold' does not exist");
    }

    [Fact]
    public void Load_DoesNotReportReferencesToInvalidDocumentsAsDangling()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: StorageQuotaPolicy
            metadata: {name: gold}
            spec: {quota: 1Ti, colour: gold}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csv}
              profile: laptops
              storageRegion: us-east
              quotaPolicyRef: {name: gold}
            """);

        config.AssertErrors("test.yaml:4:20: spec.colour: unknown field 'colour'");
    }

    [Fact]
    public void Load_DoesNotReportReferencesWhileAFileCannotBeParsed()
    {
        using var config = new TempConfig().WithBase()
            .Write("policies.yaml", TempConfig.Header + "kind: StorageQuotaPolicy\nmetadata: {name: gold\nspec: {quota: 1Ti}\n")
            .Write("mapping.yaml", TempConfig.Header + """
                kind: ProvisioningMapping
                metadata: {name: eng}
                spec:
                  sourceRef: {name: hr-csv}
                  profile: laptops
                  storageRegion: us-east
                  quotaPolicyRef: {name: gold}
                """);

        var errors = config.Errors();

        Assert.Single(errors);
        Assert.StartsWith("policies.yaml:", errors[0]);
        Assert.Contains("invalid YAML", errors[0]);
    }

    [Fact]
    public void Load_ReportsDuplicateNameAtTheSecondDeclaration()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: StorageQuotaPolicy
            metadata:
              name: standard-50g
            spec: {quota: 10Gi}
            """);

        config.AssertErrors("test.yaml:4:9: metadata.name: duplicate StorageQuotaPolicy name 'standard-50g' (first declared at base.yaml:12:9)");
    }

    [Fact]
    public void Load_ReportsInvalidName()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: StorageQuotaPolicy
            metadata: {name: Gold_Tier}
            spec: {quota: 10Gi}
            """);

        config.AssertErrors("test.yaml:3:18: metadata.name: 'Gold_Tier' is not a valid name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
    }

    [Fact]
    public void Load_ReportsMappingsOfOneSourceWithTheSamePriority()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec: {sourceRef: {name: hr-csv}, priority: 10, profile: laptops, storageRegion: us-east}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: sales}
            spec: {sourceRef: {name: hr-csv}, priority: 10, profile: laptops, storageRegion: us-east}
            """);

        config.AssertErrors("test.yaml:9:45: spec.priority: mappings 'eng' and 'sales' of DirectorySource 'hr-csv' both have priority 10; give each a different priority");
    }

    [Fact]
    public void Load_ReportsBadQuantities()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: StorageQuotaPolicy
            metadata: {name: gold}
            spec:
              quota: 50 GB
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csv}
              profile: laptops
              storageRegion: us-east
              quota: lots
            """);

        config.AssertErrors(
            "test.yaml:5:10: spec.quota: '50 GB' is not a quantity; write e.g. 500Mi, 50Gi, 1Ti, or 0 for unlimited",
            "test.yaml:14:10: spec.quota: 'lots' is not a quantity; write e.g. 500Mi, 50Gi, 1Ti, or 0 for unlimited");
    }

    [Fact]
    public void Load_ReportsQuotaPolicyRefTogetherWithInlineQuota()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csv}
              profile: laptops
              storageRegion: us-east
              quotaPolicyRef: {name: standard-50g}
              quota: 100Gi
            """);

        config.AssertErrors("test.yaml:9:3: spec.quota: set either quotaPolicyRef or quota, not both");
    }

    [Fact]
    public void Load_ReportsRegionNotAllowedByQuotaPolicy()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csv}
              profile: laptops
              storageRegion: ap-south
              quotaPolicyRef: {name: standard-50g}
            """);

        config.AssertErrors("test.yaml:7:18: spec.storageRegion: mapping 'eng' uses storage region 'ap-south', but StorageQuotaPolicy 'standard-50g' allows only us-east, eu-west");
    }

    [Fact]
    public void Load_ReportsLdapFilterOnSourceThatIsNotLdap()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csv}
              profile: laptops
              storageRegion: us-east
              filter:
                ldapFilter: (department=R&D)
            """);

        config.AssertErrors("test.yaml:9:17: spec.filter.ldapFilter: ldapFilter needs an Ldap or ActiveDirectory source, but DirectorySource 'hr-csv' is Csv");
    }

    [Fact]
    public void Load_AcceptsAnLdapFilterOnAnLdapSource_AndRefusesOneThatIsNotAFilter()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: DirectorySource
            metadata: {name: corp-ldap}
            spec:
              type: Ldap
              ldap: {url: "ldap://127.0.0.1:3890", baseDN: "dc=example,dc=com"}
            """ + "\n---\n" + TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: corp-ldap}
              profile: laptops
              storageRegion: us-east
              filter:
                ldapFilter: (&(departmentNumber=R&D)(!(title=Intern)))
            """ + "\n---\n" + TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: sales}
            spec:
              sourceRef: {name: corp-ldap}
              priority: 20
              profile: laptops
              storageRegion: us-east
              filter:
                ldapFilter: departmentNumber=Sales)
            """);

        config.AssertErrors("test.yaml:27:17: spec.filter.ldapFilter: 'departmentNumber=Sales)' is not an LDAP filter: write it in parentheses with balanced brackets, e.g. (departmentNumber=R&D)");
    }

    [Fact]
    public void Load_ReportsAGroupDnThatYamlSplitAtItsCommas()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csv}
              profile: laptops
              storageRegion: us-east
              filter:
                groups: [cn=eng,ou=groups,dc=example,dc=com]
            """ + "\n---\n" + TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: ops}
            spec:
              sourceRef: {name: hr-csv}
              priority: 20
              profile: laptops
              storageRegion: us-east
              filter:
                groups: ["cn=ops,ou=groups,dc=example,dc=com", all-staff]
            """);

        config.AssertErrors("test.yaml:9:21: spec.filter.groups[1]: 'cn=eng' and 'ou=groups' look like parts of one DN that YAML split at its commas: quote it, e.g. [\"cn=eng,ou=groups,dc=example,dc=com\"], or write one DN per line");
    }

    [Fact]
    public void Load_ReportsAttributeConditionsWithWrongValues()
    {
        using var config = new TempConfig().WithBase().Write("test.yaml", TempConfig.Header + """
            kind: ProvisioningMapping
            metadata: {name: eng}
            spec:
              sourceRef: {name: hr-csv}
              profile: laptops
              storageRegion: us-east
              filter:
                attributes:
                - {name: department, operator: In}
                - {name: title, operator: Exists, values: [x]}
                - {name: email, operator: Equals, values: [a, b]}
                - {name: userName, operator: Matches, values: ["(ada"]}
                - {name: department, operator: NotIn, values: [Sales]}
            """);

        config.AssertErrors(
            "test.yaml:10:7: spec.filter.attributes[0].values: operator In needs at least one value",
            "test.yaml:11:39: spec.filter.attributes[1].values: operator Exists takes no values",
            "test.yaml:12:39: spec.filter.attributes[2].values: operator Equals needs exactly one value",
            "test.yaml:13:52: spec.filter.attributes[3].values[0]: not a valid .NET regular expression: Invalid pattern '(ada' at offset 4. Not enough )'s.");
    }
}
