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
        foreach (var (field, message) in ldap.Problems()) findings.Add(document, "spec.ldap." + field, message, atKey: field == "bindPassword" && ldap.BindPassword is null);
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
        else if (spec.Type is not (DirectorySourceType.Csv or DirectorySourceType.Scim))
        {
            findings.Add(document, "spec.type", $"type {spec.Type} is not supported yet");
        }
        else if (spec.Type == DirectorySourceType.Csv && string.IsNullOrEmpty(spec.Csv?.Path))
        {
            findings.Add(document, "spec.csv.path", "a Csv source needs spec.csv.path: the CSV export, relative to this file");
        }
        else if (spec.Type == DirectorySourceType.Csv)
        {
            FieldChecks.FileExists(document, "spec.csv.path", spec.Csv!.Path, findings);
        }
    }
}
