namespace Reconciler.Sources.Folder;

/// <summary>The errors found so far, across all files.</summary>
internal sealed class Findings
{
    private readonly List<ConfigError> errors = [];

    public IReadOnlyList<ConfigError> Errors => errors;

    public void Add(ConfigError error) => errors.Add(error);

    /// <summary>Adds a finding of the checks, unless it concerns a field the schema already refused.</summary>
    public void Add(ConfigDocument document, string path, string message, bool atKey = false)
    {
        if (document.IsBroken(path)) return;
        errors.Add(document.ErrorAt(path, message, atKey));
    }
}
