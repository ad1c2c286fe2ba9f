namespace Reconciler.Sources.Folder;

/// <summary>The errors found so far, across all files.</summary>
internal sealed class Findings
{
    private readonly List<ConfigError> errors = [];

    public IReadOnlyList<ConfigError> Errors => errors;

    public void Add(ConfigError error) => errors.Add(error);

    public void Add(ConfigDocument document, string path, string message, bool atKey = false) =>
        errors.Add(document.ErrorAt(path, message, atKey));
}
