using System.Text.RegularExpressions;

namespace Reconciler.Sources.Folder;

/// <summary>metadata.name: a valid Kubernetes name, unique within its kind.</summary>
internal static partial class NameChecks
{
    public static void Check(LoadedConfig config, Findings findings)
    {
        var first = new Dictionary<(string Kind, string Name), ConfigDocument>();
        foreach (var document in config.Documents.Where(d => d.Kind is not null && d.Name is not null))
        {
            var name = document.Name!;
            if (name.Length > 0 && (name.Length > 253 || !DnsSubdomain().IsMatch(name)))
                findings.Add(document, "metadata.name", $"'{name}' is not a valid name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
            if (first.TryGetValue((document.Kind!.Kind, name), out var earlier))
                findings.Add(document, "metadata.name", $"duplicate {document.Kind.Kind} name '{name}' (first declared at {earlier.Where("metadata.name")})");
            else
                first[(document.Kind.Kind, name)] = document;
        }
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
