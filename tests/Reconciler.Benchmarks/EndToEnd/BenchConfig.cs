namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// A configuration folder like config-samples: one Csv DirectorySource reading users.csv beside it, the five
/// mappings and the quota policies copied from config-samples as they are in the repository.
/// </summary>
public sealed class BenchConfig
{
    public const string SourceName = "hr-export";

    public string Folder { get; }

    /// <summary>The export the source reads; replace this file to change what the next command sees.</summary>
    public string Csv => Path.Combine(Folder, "users.csv");

    private BenchConfig(string folder) => Folder = folder;

    public static BenchConfig Create(string folder, string repositoryRoot)
    {
        Directory.CreateDirectory(folder);
        var samples = Path.Combine(repositoryRoot, "config-samples");
        foreach (var file in new[] { "mappings.yaml", "quota-policies.yaml" })
        {
            File.Copy(Path.Combine(samples, file), Path.Combine(folder, file), overwrite: true);
        }
        // No count limit and half the users: loose enough that no run of the suite is held back by the guard.
        File.WriteAllText(Path.Combine(folder, "sources.yaml"), $"""
            # The benchmark's export of the company directory (written by tests/Reconciler.Benchmarks).
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata:
              name: {SourceName}
            spec:
              type: Csv
              csv:
                path: users.csv
              syncInterval: 5m
              deletionGuard:
                maxDeletePercent: 50

            """);
        return new BenchConfig(folder);
    }

    /// <summary>Puts <paramref name="export"/> where the source reads it (a copy: the original stays for later runs).</summary>
    public void UseExport(string export) => File.Copy(export, Csv, overwrite: true);
}
