using System.Text.RegularExpressions;
using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>
/// metadata.name: a valid Kubernetes name, unique within its kind and namespace; metadata.namespace, when given,
/// a DNS-1123 label as Kubernetes requires of namespaces.
/// </summary>
internal static partial class NameChecks
{
    public static void Check(LoadedConfig config, Findings findings)
    {
        var first = new Dictionary<ResourceKey, ConfigDocument>();
        foreach (var document in config.Documents)
        {
            CheckNamespace(document, findings);
            if (document.Kind is null || document.Name is not { } name) continue;
            if (name.Length > 253 || !DnsSubdomain().IsMatch(name))
                findings.Add(document, "metadata.name", $"'{name}' is not a valid name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
            if (document.Key is not { } key) continue;
            if (first.TryGetValue(key, out var earlier))
                findings.Add(document, "metadata.name", $"duplicate {key.Kind} name '{key.QualifiedName}' (first declared at {earlier.Where("metadata.name")})");
            else
                first[key] = document;
        }
    }

    private static void CheckNamespace(ConfigDocument document, Findings findings)
    {
        if (document.Kind is null || document.WrittenNamespace is not { } written) return;
        if (written.Length == 0)
            findings.Add(document, "metadata.namespace", "namespace must not be empty; leave metadata.namespace out for the default namespace");
        else if (written.Length > 63 || !DnsLabel().IsMatch(written))
            findings.Add(document, "metadata.namespace", $"'{written}' is not a valid namespace: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
    }

    // \z, not $: $ also matches before a final newline, and "corp\n" is not a name.
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex DnsLabel();
}
