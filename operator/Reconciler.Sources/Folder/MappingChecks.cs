using System.Text.RegularExpressions;
using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>ProvisioningMapping: references, quota, region, filter, and distinct priorities per source.</summary>
internal static partial class MappingChecks
{
    public static void Check(LoadedConfig config, Findings findings)
    {
        foreach (var (document, mapping) in config.All<ProvisioningMapping>())
        {
            var spec = mapping.Spec;
            FieldChecks.Reference(document, mapping, "spec.sourceRef.name", DirectorySource.KindName, spec.SourceRef, config, findings);
            if (spec.QuotaPolicyRef is not null && spec.Quota is not null)
                findings.Add(document, "spec.quota", "set either quotaPolicyRef or quota, not both", atKey: true);
            FieldChecks.Quantity(document, "spec.quota", spec.Quota, findings);
            if (FieldChecks.Reference(document, mapping, "spec.quotaPolicyRef.name", StorageQuotaPolicy.KindName, spec.QuotaPolicyRef, config, findings))
                CheckRegion(document, mapping, config.Find<StorageQuotaPolicy>(mapping.Key.Sibling(StorageQuotaPolicy.KindName, spec.QuotaPolicyRef!.Name)), findings);
            CheckFilter(document, spec.Filter, config.Find<DirectorySource>(mapping.Key.Sibling(DirectorySource.KindName, spec.SourceRef.Name)), findings);
        }
        CheckPriorities(config, findings);
    }

    private static void CheckRegion(ConfigDocument document, ProvisioningMapping mapping, StorageQuotaPolicy? policy, Findings findings)
    {
        if (policy?.Spec.AllowedRegions is not { Count: > 0 } regions || regions.Contains(mapping.Spec.StorageRegion)) return;
        findings.Add(document, "spec.storageRegion",
            $"mapping '{mapping.Key.QualifiedName}' uses storage region '{mapping.Spec.StorageRegion}', but StorageQuotaPolicy '{policy.Key.QualifiedName}' allows only {string.Join(", ", regions)}");
    }

    private static void CheckFilter(ConfigDocument document, UserFilter filter, DirectorySource? source, Findings findings)
    {
        if (filter.LdapFilter is not null && source is not null
            && source.Spec.Type is not (DirectorySourceType.Ldap or DirectorySourceType.ActiveDirectory))
        {
            findings.Add(document, "spec.filter.ldapFilter",
                $"ldapFilter needs an Ldap or ActiveDirectory source, but DirectorySource '{source.Key.QualifiedName}' is {source.Spec.Type}");
        }
        else if (filter.LdapFilter is { } clause && !LooksLikeAFilter(clause))
        {
            findings.Add(document, "spec.filter.ldapFilter",
                $"'{clause}' is not an LDAP filter: write it in parentheses with balanced brackets, e.g. (departmentNumber=R&D)");
        }
        CheckGroups(document, filter.Groups, findings);
        for (var i = 0; i < (filter.Attributes?.Count ?? 0); i++)
            CheckCondition(document, $"spec.filter.attributes[{i}]", filter.Attributes![i], findings);
    }

    /// <summary>
    /// A group DN written in a YAML flow list (<c>groups: [cn=eng,ou=groups,dc=example,dc=com]</c>) is split at its
    /// commas into RDNs that match nothing. Caught here: one RDN after another is never what was meant.
    /// </summary>
    private static void CheckGroups(ConfigDocument document, IReadOnlyList<string>? groups, Findings findings)
    {
        if (groups is not { Count: > 1 }) return;
        for (var i = 1; i < groups.Count; i++)
        {
            if (IsLoneRdn(groups[i - 1]) && IsLoneRdn(groups[i]))
            {
                findings.Add(document, $"spec.filter.groups[{i}]",
                    $"'{groups[i - 1]}' and '{groups[i]}' look like parts of one DN that YAML split at its commas: quote it, e.g. [\"cn=eng,ou=groups,dc=example,dc=com\"], or write one DN per line");
                return;
            }
        }
    }

    /// <summary>Parenthesised with balanced brackets (escapes as \28 and \29 inside values): what the server decides beyond that.</summary>
    private static bool LooksLikeAFilter(string clause)
    {
        var text = clause.Trim();
        if (text.Length < 3 || text[0] != '(' || text[^1] != ')') return false;
        var depth = 0;
        foreach (var c in text)
        {
            if (c == '(') depth++;
            else if (c == ')' && --depth < 0) return false;
        }
        return depth == 0;
    }

    private static bool IsLoneRdn(string value) => LoneRdn().IsMatch(value);

    [GeneratedRegex(@"^\s*[A-Za-z][A-Za-z0-9-]*\s*=[^,;=]*$")]
    private static partial Regex LoneRdn();

    private static void CheckCondition(ConfigDocument document, string path, AttributeCondition condition, Findings findings)
    {
        var count = condition.Values?.Count ?? 0;
        var problem = condition.Operator switch
        {
            FilterOperator.In or FilterOperator.NotIn when count == 0 => $"operator {condition.Operator} needs at least one value",
            FilterOperator.Exists when count > 0 => "operator Exists takes no values",
            FilterOperator.Equals or FilterOperator.StartsWith when count != 1 => $"operator {condition.Operator} needs exactly one value",
            FilterOperator.Matches when count != 1 => "operator Matches needs exactly one value: a .NET regular expression",
            _ => null,
        };
        if (problem is not null)
        {
            findings.Add(document, path + ".values", problem, atKey: true);
            return;
        }
        if (condition.Operator != FilterOperator.Matches) return;
        try
        {
            _ = new Regex(condition.Values![0], RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (RegexParseException e)
        {
            findings.Add(document, path + ".values[0]", $"not a valid .NET regular expression: {e.Message}");
        }
    }

    private static void CheckPriorities(LoadedConfig config, Findings findings)
    {
        var groups = config.All<ProvisioningMapping>()
            .GroupBy(m => (Source: m.Resource.Key.Sibling(DirectorySource.KindName, m.Resource.Spec.SourceRef.Name), m.Resource.Spec.Priority));
        foreach (var group in groups)
        {
            var (_, first) = group.First();
            foreach (var (document, later) in group.Skip(1))
            {
                findings.Add(document, "spec.priority",
                    $"mappings '{first.Key.QualifiedName}' and '{later.Key.QualifiedName}' of DirectorySource '{group.Key.Source.QualifiedName}' both have priority {group.Key.Priority}; give each a different priority");
            }
        }
    }
}
