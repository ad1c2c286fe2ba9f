using Reconciler.Core.Resources;

namespace Reconciler.Sources.Folder;

/// <summary>DirectorySource: supported type, its settings block, durations, deletion guard and credentials.</summary>
internal static class SourceChecks
{
    private static readonly (string Block, Func<DirectorySourceSpec, object?> Settings, DirectorySourceType[] Types)[] Blocks =
    [
        ("ldap", s => s.Ldap, [DirectorySourceType.Ldap, DirectorySourceType.ActiveDirectory]),
        ("csv", s => s.Csv, [DirectorySourceType.Csv]),
        ("scim", s => s.Scim, [DirectorySourceType.Scim]),
        ("azureAD", s => s.AzureAD, [DirectorySourceType.AzureAD]),
        ("googleWorkspace", s => s.GoogleWorkspace, [DirectorySourceType.GoogleWorkspace]),
    ];

    public static void Check(LoadedConfig config, Findings findings)
    {
        foreach (var (document, source) in config.All<DirectorySource>())
        {
            var spec = source.Spec;
            CheckType(document, spec, findings);
            FieldChecks.Duration(document, "spec.syncInterval", spec.SyncInterval, DirectorySourceSpec.SyncIntervalRange, findings);
            FieldChecks.Duration(document, "spec.fullSyncInterval", spec.FullSyncInterval, DirectorySourceSpec.FullSyncIntervalRange, findings);
            FieldChecks.Percent(document, "spec.deletionGuard.maxDeletePercent", spec.DeletionGuard.MaxDeletePercent, findings);
            if (spec.DeletionGuard.MaxDeleteCount < 0)
                findings.Add(document, "spec.deletionGuard.maxDeleteCount", "maxDeleteCount must not be negative");
            FieldChecks.Duration(document, "spec.scim.tokenTTL", spec.Scim?.TokenTTL, ScimSettings.TokenTTLRange, findings);
            FieldChecks.Secret(document, "spec.ldap.bindPassword", spec.Ldap?.BindPassword, findings);
            FieldChecks.Secret(document, "spec.azureAD.clientSecret", spec.AzureAD?.ClientSecret, findings);
            FieldChecks.Secret(document, "spec.googleWorkspace.serviceAccountKey", spec.GoogleWorkspace?.ServiceAccountKey, findings);
        }
    }

    /// <summary>What can be told about an LDAP source without connecting: the URL, paging, timeout, TLS and the bind.</summary>
    private static void CheckLdap(ConfigDocument document, DirectorySourceType type, LdapSettings? ldap, Findings findings)
    {
        if (ldap is null)
        {
            findings.Add(document, "spec.ldap", $"an {type} source needs spec.ldap: at least url and baseDN");
            return;
        }
        var url = ldap.Url.Trim();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ldap" or "ldaps") || uri.Host.Length == 0)
        {
            findings.Add(document, "spec.ldap.url", $"'{url}' is not an ldap:// or ldaps:// URL with a host, e.g. ldaps://ldap.example.com:636");
        }
        else if (uri.UserInfo.Length > 0)
        {
            findings.Add(document, "spec.ldap.url", "the URL must not carry credentials: use bindDN and bindPassword");
        }
        else if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0)
        {
            findings.Add(document, "spec.ldap.url", $"'{url}' names more than a server: put the base DN in spec.ldap.baseDN");
        }
        else if (uri.Scheme == "ldaps" && ldap.StartTLS)
        {
            findings.Add(document, "spec.ldap.startTLS", "startTLS is for ldap:// URLs; an ldaps:// connection is encrypted already");
        }
        if (string.IsNullOrWhiteSpace(ldap.BaseDN)) findings.Add(document, "spec.ldap.baseDN", "baseDN must name the subtree users are searched in");
        if (ldap.PageSize is < 1 or > LdapSettings.MaxPageSize)
        {
            findings.Add(document, "spec.ldap.pageSize", $"pageSize {ldap.PageSize} is out of range: it must be between 1 and {LdapSettings.MaxPageSize}");
        }
        FieldChecks.Duration(document, "spec.ldap.timeout", ldap.Timeout, LdapSettings.TimeoutRange, findings);
        var hasDn = !string.IsNullOrWhiteSpace(ldap.BindDN);
        if (hasDn && ldap.BindPassword is null)
        {
            findings.Add(document, "spec.ldap.bindPassword", "bindDN is set but bindPassword is not: a bind without a password is refused");
        }
        else if (!hasDn && ldap.BindPassword is not null)
        {
            findings.Add(document, "spec.ldap.bindDN", "bindPassword is set but bindDN is not");
        }
        if (!string.IsNullOrWhiteSpace(ldap.CaFile))
        {
            var (shown, full) = document.Resolve(ldap.CaFile);
            if (!File.Exists(full) && !Directory.Exists(full)) findings.Add(document, "spec.ldap.caFile", $"'{shown}' is neither a file nor a folder");
        }
    }

    private static void CheckType(ConfigDocument document, DirectorySourceSpec spec, Findings findings)
    {
        foreach (var (block, settings, types) in Blocks)
        {
            if (settings(spec) is not null && !types.Contains(spec.Type))
                findings.Add(document, "spec." + block, $"{block} settings are for {string.Join(" and ", types)} sources, but spec.type is {spec.Type}", atKey: true);
        }
        // A type the schema refused reads as the enum's first value: check nothing that depends on it.
        if (document.IsBroken("spec.type")) return;
        if (spec.Type is DirectorySourceType.Ldap or DirectorySourceType.ActiveDirectory)
        {
            CheckLdap(document, spec.Type, spec.Ldap, findings);
        }
        else if (spec.Type != DirectorySourceType.Csv)
        {
            findings.Add(document, "spec.type", $"type {spec.Type} is not supported yet");
        }
        else if (string.IsNullOrEmpty(spec.Csv?.Path))
        {
            findings.Add(document, "spec.csv.path", "a Csv source needs spec.csv.path: the CSV export, relative to this file");
        }
        else
        {
            FieldChecks.FileExists(document, "spec.csv.path", spec.Csv.Path, findings);
        }
    }
}
