using Reconciler.Sources.Folder;

namespace Reconciler.Sources.Tests;

/// <summary>A fresh temporary folder of YAML files, loaded the way `reconciler validate DIR` loads it.</summary>
public sealed class TempConfig : IDisposable
{
    public const string Header = "apiVersion: provisioning.reconciler.dev/v1alpha1\n";

    public TempConfig()
    {
        Directory = Path.Combine(Path.GetTempPath(), "reconciler-sources-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public TempConfig Write(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"));
        return this;
    }

    /// <summary>A valid Csv source "hr-csv" with its users.csv, and a quota policy "standard-50g" for us-east and eu-west, in base.yaml.</summary>
    public TempConfig WithBase() =>
        Write("users.csv", "id,userName,email\n1,ada,ada@example.com\n")
        .Write("base.yaml", """
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata:
              name: hr-csv
            spec:
              type: Csv
              csv: {path: users.csv}
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: StorageQuotaPolicy
            metadata:
              name: standard-50g
            spec:
              quota: 50Gi
              allowedRegions: [us-east, eu-west]
            """);

    public LoadResult Load() => new FolderLoader().Load(Directory);

    /// <summary>The error lines a user would see, with the temporary folder's prefix removed.</summary>
    public IReadOnlyList<string> Errors()
    {
        var result = Load();
        Assert.Null(result.State);
        return result.Errors.Select(e => e.ToString().Replace(Directory + Path.DirectorySeparatorChar, "")).ToList();
    }

    /// <summary>Asserts the exact error lines, compared as one text so a failure shows the whole difference.</summary>
    public void AssertErrors(params string[] expected) =>
        Assert.Equal(string.Join("\n", expected), string.Join("\n", Errors()));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }
}
