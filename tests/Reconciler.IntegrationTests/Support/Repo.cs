namespace Reconciler.IntegrationTests.Support;

/// <summary>Where the checked-in things the tests compare against live, and the program under test.</summary>
public static class Repo
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder holding Reconciler.sln, found by walking up from the test binaries.</summary>
    public static string Root => RootPath.Value;

    public static string ConfigSamples => Path.Combine(Root, "config-samples");

    public static string Crds => Path.Combine(Root, "crds");

    /// <summary>
    /// The built CLI, copied next to the tests by the project reference; RECONCILER_DLL points the tests at another
    /// build (a published binary, say).
    /// </summary>
    public static string ReconcilerDll
    {
        get
        {
            var dll = Environment.GetEnvironmentVariable("RECONCILER_DLL") is { Length: > 0 } other
                ? Path.GetFullPath(other)
                : Path.Combine(AppContext.BaseDirectory, "reconciler.dll");
            if (!File.Exists(dll)) throw new InvalidOperationException($"reconciler.dll is not next to the tests ({AppContext.BaseDirectory}); build the test project");
            if (!File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
            {
                throw new InvalidOperationException("reconciler.runtimeconfig.json is missing next to the tests; `dotnet reconciler.dll` cannot start");
            }
            return dll;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reconciler.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Reconciler.sln above {AppContext.BaseDirectory}");
    }
}
