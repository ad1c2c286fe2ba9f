using System.Text.RegularExpressions;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>`reconciler validate DIR`: exit 0 valid; 1 invalid with every error as file:line:column: path: message.</summary>
public sealed partial class ValidateTests
{
    [Fact]
    public async Task Validate_Samples_IsValid()
    {
        using var workspace = Workspace.FromSamples();

        var result = await workspace.Run("validate", Workspace.ConfigDir);

        Expect.Exit(0, result);
        Expect.Mentions("valid", result);
    }

    [Fact]
    public async Task Validate_Samples_FromTheRepository_IsValid()
    {
        using var workspace = Workspace.Empty();

        var result = await workspace.Run("validate", Repo.ConfigSamples);

        Expect.Exit(0, result);
    }

    [Fact]
    public async Task Validate_SeveralErrorsInSeveralFiles_ReportsEachWithFileLineColumn()
    {
        using var workspace = Workspace.FromSamples();
        // an unknown field (a typo) in mappings.yaml ...
        workspace.Edit("mappings.yaml", "  profile: laptops-executive\n", "  profile: laptops-executive\n  storageRegoin: us-east\n");
        // ... and, in another file, a mapping whose source does not exist
        workspace.Write("payroll.yaml", """
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata:
              name: payroll
            spec:
              sourceRef: {name: payroll-export}
              priority: 50
              profile: laptops-standard
              storageRegion: us-east
              quota: 10Gi

            """);
        var typoLine = workspace.LineOf("mappings.yaml", "storageRegoin");
        var refLine = workspace.LineOf("payroll.yaml", "sourceRef");

        var result = await workspace.Run("validate", Workspace.ConfigDir);

        Expect.Exit(1, result);
        var errors = result.StderrLines.Select(l => ErrorLine().Match(l)).Where(m => m.Success).ToList();
        Assert.True(errors.Count >= 2, "expected at least two file:line:column: path: message lines:\n" + result);

        var typo = errors.Where(m => m.Groups["file"].Value.EndsWith("mappings.yaml", StringComparison.Ordinal)
            && m.Groups["path"].Value.Contains("storageRegoin", StringComparison.Ordinal)).ToList();
        Assert.True(typo.Count == 1, "the unknown field storageRegoin is not reported once at its place:\n" + result);
        Assert.Equal(typoLine, int.Parse(typo[0].Groups["line"].Value));
        Assert.Equal(3, int.Parse(typo[0].Groups["column"].Value));

        var dangling = errors.Where(m => m.Groups["file"].Value.EndsWith("payroll.yaml", StringComparison.Ordinal)
            && m.Groups["path"].Value.StartsWith("spec.sourceRef", StringComparison.Ordinal)).ToList();
        Assert.True(dangling.Count == 1, "the dangling sourceRef in payroll.yaml is not reported once:\n" + result);
        Assert.Equal(refLine, int.Parse(dangling[0].Groups["line"].Value));
        Assert.True(int.Parse(dangling[0].Groups["column"].Value) > 0, result.ToString());
    }

    [Fact]
    public async Task Validate_MissingFolder_Fails()
    {
        using var workspace = Workspace.Empty();

        var result = await workspace.Run("validate", "no-such-folder");

        Expect.ClearError(result);
        Expect.Mentions("no-such-folder", result);
    }

    [Fact]
    public async Task Validate_TwoMappingsOfOneSourceSharingAPriority_AreRejected()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Edit("mappings.yaml", "  priority: 20\n", "  priority: 10\n");

        var result = await workspace.Run("validate", Workspace.ConfigDir);

        Expect.ClearError(result);
        Expect.StderrLine(result, l => l.Contains("mappings.yaml:", StringComparison.Ordinal) && l.Contains("spec.priority", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_DirectoryTypeWithoutConnector_IsRejectedAsNotSupportedYet()
    {
        using var workspace = Workspace.FromSamples();
        workspace.Write("ldap.yaml", """
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata:
              name: corp-google
            spec:
              type: GoogleWorkspace
              googleWorkspace:
                adminEmail: admin@example.com
                serviceAccountKey: {env: GOOGLE_KEY}

            """);

        var result = await workspace.Run("validate", Workspace.ConfigDir);

        Expect.ClearError(result);
        Expect.StderrLine(result, l => l.Contains($"ldap.yaml:{workspace.LineOf("ldap.yaml", "type: GoogleWorkspace")}:", StringComparison.Ordinal)
            && l.Contains("not supported yet", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^(?<file>[^:\s]+):(?<line>\d+):(?<column>\d+): (?<path>\S+): (?<message>.+)$")]
    private static partial Regex ErrorLine();
}
