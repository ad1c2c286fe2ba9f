using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>Checks of single fields that several kinds share: durations, quantities, secrets, references, files.</summary>
internal static class FieldChecks
{
    /// <summary>A Go-style duration within the field's documented range.</summary>
    public static void Duration(ConfigDocument document, string path, string? value, DurationRange range, Findings findings)
    {
        if (value is not null && !GoDuration.TryParse(value, range, Last(path), out _, out var error)) findings.Add(document, path, error);
    }

    public static void Quantity(ConfigDocument document, string path, string? value, Findings findings)
    {
        if (value is not null && !Core.Resources.Quantity.TryParse(value, out _, out var error)) findings.Add(document, path, error);
    }

    public static void Percent(ConfigDocument document, string path, int? value, Findings findings)
    {
        if (value is < 0 or > 100) findings.Add(document, path, $"{Last(path)} must be between 0 and 100");
    }

    /// <summary>A SecretReference must name exactly one place the secret is read from.</summary>
    public static void Secret(ConfigDocument document, string path, SecretReference? secret, Findings findings)
    {
        if (secret is null) return;
        var set = new List<string>();
        if (secret.Env is not null) set.Add("env");
        if (secret.File is not null) set.Add("file");
        if (secret.SecretRef is not null) set.Add("secretRef");
        if (set.Count == 0) findings.Add(document, path, "set one of env, file or secretRef");
        else if (set.Count > 1) findings.Add(document, path, $"set only one of env, file or secretRef, not {string.Join(" and ", set)}");
    }

    /// <summary>
    /// A reference by name to a resource of another kind that must be declared somewhere in the folder, in the
    /// namespace of the resource <paramref name="from"/> that makes it.
    /// </summary>
    public static bool Reference(ConfigDocument document, Resource from, string path, string kind, ResourceRef? reference, LoadedConfig config, Findings findings)
    {
        if (reference is null) return false;
        var names = config.NamesOf(kind, from.Namespace);
        if (names.Contains(reference.Name)) return true;
        if (!config.EveryFileParsed) return false;
        var hint = Spelling.Suggest(reference.Name, names);
        if (hint.Length == 0 && config.NamespacesDeclaring(kind, reference.Name) is { Count: > 0 } elsewhere)
        {
            hint = $" (a reference resolves within namespace '{from.Namespace}'; '{reference.Name}' is declared in namespace "
                + string.Join(", ", elsewhere.Select(n => $"'{n}'")) + ")";
        }
        findings.Add(document, path, $"{kind} '{ResourceKey.Qualify(from.Namespace, reference.Name)}' does not exist{hint}");
        return false;
    }

    /// <summary>A data file named relative to the YAML file; the error names the path it was looked for at.</summary>
    public static void FileExists(ConfigDocument document, string path, string relative, Findings findings)
    {
        var (shown, full) = document.Resolve(relative);
        if (!File.Exists(full)) findings.Add(document, path, $"file '{shown}' does not exist");
    }

    private static string Last(string path) => path[(path.LastIndexOf('.') + 1)..];
}
