using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Reconciler.Core.Resources;

[Description("One directory to import users from.")]
public sealed record DirectorySource : Resource
{
    public const string KindName = "DirectorySource";

    public DirectorySource() => Kind = KindName;

    [System.ComponentModel.DataAnnotations.Required]
    [Description("The directory to read, how often, and the guards on what a sync may change.")]
    public DirectorySourceSpec Spec { get; init; } = new();

    [Description("What the last sync observed.")]
    public DirectorySourceStatus? Status { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<DirectorySourceType>))]
public enum DirectorySourceType { Ldap, ActiveDirectory, Scim, AzureAD, GoogleWorkspace, Csv }

public sealed record DirectorySourceSpec
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Kind of directory: Ldap, ActiveDirectory, Scim, AzureAD, GoogleWorkspace or Csv.")]
    public DirectorySourceType Type { get; init; }

    /// <summary>What <see cref="SyncInterval"/> may be: long enough not to hammer a directory, short enough to matter.</summary>
    public static readonly DurationRange SyncIntervalRange = new(TimeSpan.FromSeconds(1), TimeSpan.FromHours(720));

    [Description("How often the directory is read, as a Go-style duration (30s, 15m, 1h, 24h), between 1s and 720h.")]
    public string SyncInterval { get; init; } = "1h";

    /// <summary>What <see cref="FullSyncInterval"/> may be.</summary>
    public static readonly DurationRange FullSyncIntervalRange = new(TimeSpan.FromMinutes(1), TimeSpan.FromHours(720));

    [Description("For directories read incrementally (Ldap): how often a full read is done anyway, as a safety net, as a Go-style duration between 1m and 720h. Default 24h.")]
    public string FullSyncInterval { get; init; } = "24h";

    /// <summary>The full-sync interval, or the default when it does not parse (validation reports that).</summary>
    public TimeSpan FullSyncEvery() =>
        GoDuration.TryParse(FullSyncInterval, FullSyncIntervalRange, "fullSyncInterval", out var every, out _) ? every : TimeSpan.FromHours(24);

    [Description("When true, the source is neither read nor reconciled.")]
    public bool Suspend { get; init; }

    [Description("Stops a sync that would preserve or disable more users than allowed until acknowledged.")]
    public DeletionGuard DeletionGuard { get; init; } = new();

    [Description("Which directory attribute holds each user field. Defaults depend on the type.")]
    public AttributeMapping? Attributes { get; init; }

    [Description("Connection settings for Ldap and ActiveDirectory sources.")]
    public LdapSettings? Ldap { get; init; }

    [Description("Settings for Csv sources: a file export of the directory.")]
    public CsvSettings? Csv { get; init; }

    [Description("Settings for Scim sources, which identity providers push to.")]
    public ScimSettings? Scim { get; init; }

    [Description("Settings for AzureAD (Entra ID) sources read through Microsoft Graph.")]
    public AzureADSettings? AzureAD { get; init; }

    [Description("Settings for GoogleWorkspace sources read through the Admin SDK Directory API.")]
    public GoogleWorkspaceSettings? GoogleWorkspace { get; init; }
}

public sealed record DeletionGuard
{
    public const int DefaultMaxDeletePercent = 10;

    [Description("Largest share (0-100) of the source's active users one sync may preserve or disable. Default 10.")]
    public int? MaxDeletePercent { get; init; } = DefaultMaxDeletePercent;

    [Description("Largest number of users one sync may preserve or disable. Unset means no count limit.")]
    public int? MaxDeleteCount { get; init; }
}

public sealed record AttributeMapping
{
    [Description("Stable attribute that is never reused (entryUUID, objectGUID, Graph id, Google id, SCIM id).")]
    public string? Id { get; init; }
    public string? UserName { get; init; }
    public string? Email { get; init; }
    public string? DisplayName { get; init; }
    public string? GivenName { get; init; }
    public string? Surname { get; init; }
    public string? Department { get; init; }
    public string? Title { get; init; }

    /// <summary>The attribute configured for a field by its name ("id" or a UserDetails.Fields name); null when unset.</summary>
    public string? For(string field) => field switch
    {
        "id" => Id,
        "userName" => UserName,
        "email" => Email,
        "displayName" => DisplayName,
        "givenName" => GivenName,
        "surname" => Surname,
        "department" => Department,
        "title" => Title,
        _ => null,
    };
}

public sealed record LdapSettings
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("ldap:// or ldaps:// URL of the server.")]
    public string Url { get; init; } = "";
    [Description("Upgrade an ldap:// connection with StartTLS before binding.")]
    public bool StartTLS { get; init; }
    [Description("PEM file of the CA that signed the server certificate, or a folder of CA certificates; relative to the YAML file. Unset: the system's CAs.")]
    public string? CaFile { get; init; }
    [Description("DN to bind as (a simple bind); unset binds anonymously.")]
    public string? BindDN { get; init; }
    [Description("Password of bindDN, by reference: {env: NAME}, {file: PATH} or {secretRef: {name, key}}.")]
    public SecretReference? BindPassword { get; init; }
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Subtree that users are searched in.")]
    public string BaseDN { get; init; } = "";
    [Description("LDAP filter selecting users under baseDN. Default (objectClass=inetOrgPerson) for Ldap.")]
    public string? UserFilter { get; init; }
    [Description("Subtree of the groups (groupOfNames, groupOfUniqueNames): their member lists give nested membership. Unset: only memberOf.")]
    public string? GroupBaseDN { get; init; }
    [Description("Entries per page of the paged search, 1-10000 (Active Directory sends at most 1000 unless its MaxPageSize is raised).")]
    public int PageSize { get; init; } = DefaultPageSize;

    public const int DefaultPageSize = 1000;
    public const int MaxPageSize = 10_000;

    /// <summary>What <see cref="Timeout"/> may be.</summary>
    public static readonly DurationRange TimeoutRange = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));

    [Description("How long the server may take to connect, bind or answer one page, as a Go-style duration, between 1s and 10m.")]
    public string Timeout { get; init; } = "30s";

    /// <summary>
    /// What is wrong with these settings that needs no server to tell: each with the field under <c>spec.ldap</c> it
    /// concerns. <c>validate</c> reports every one; a connector given such settings refuses the source with the first.
    /// (Whether caFile exists depends on the folder the YAML file is in: the callers check that.)
    /// </summary>
    public IEnumerable<(string Field, string Message)> Problems()
    {
        var url = Url.Trim();
        if (ParseUrl() is not { } uri)
        {
            yield return ("url", $"'{Text.SafeText.Show(url, 200)}' is not an ldap:// or ldaps:// URL with a host, e.g. ldaps://ldap.example.com:636");
        }
        else if (uri.UserInfo.Length > 0)
        {
            yield return ("url", "the URL must not carry credentials: use bindDN and bindPassword");
        }
        else if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0)
        {
            yield return ("url", $"'{Text.SafeText.Show(url, 200)}' names more than a server: put the base DN in spec.ldap.baseDN");
        }
        else if (uri.Scheme == "ldaps" && StartTLS)
        {
            yield return ("startTLS", "startTLS is for ldap:// URLs; an ldaps:// connection is encrypted already");
        }
        if (string.IsNullOrWhiteSpace(BaseDN)) yield return ("baseDN", "baseDN must name the subtree users are searched in");
        if (PageSize is < 1 or > MaxPageSize) yield return ("pageSize", $"pageSize {PageSize} is out of range: it must be between 1 and {MaxPageSize}");
        if (!GoDuration.TryParse(Timeout, TimeoutRange, "timeout", out _, out var timeoutProblem)) yield return ("timeout", timeoutProblem);
        var hasDn = !string.IsNullOrWhiteSpace(BindDN);
        if (hasDn && BindPassword is null) yield return ("bindPassword", "bindDN is set but bindPassword is not: a bind without a password is refused");
        else if (!hasDn && BindPassword is not null) yield return ("bindDN", "bindPassword is set but bindDN is not");
    }

    /// <summary>The URL when it is an absolute ldap:// or ldaps:// one with a host; null otherwise.</summary>
    public Uri? ParseUrl() =>
        Uri.TryCreate(Url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "ldap" or "ldaps" && uri.Host.Length > 0 ? uri : null;

    /// <summary>The timeout (valid settings only: see <see cref="Problems"/>).</summary>
    public TimeSpan TimeoutSpan() => GoDuration.TryParse(Timeout, TimeoutRange, "timeout", out var timeout, out _) ? timeout : TimeSpan.FromSeconds(30);
}

public sealed record CsvSettings
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Path of the CSV export, relative to the YAML file. Columns: id,userName,email,displayName,givenName,surname,department,title,groups,organizationalUnit,enabled.")]
    public string Path { get; init; } = "";
}

public sealed record ScimSettings
{
    /// <summary>What <see cref="TokenTTL"/> may be: from an hour to ten years.</summary>
    public static readonly DurationRange TokenTTLRange = new(TimeSpan.FromHours(1), TimeSpan.FromHours(87600));

    /// <summary>A year.</summary>
    public const string DefaultTokenTTL = "8760h";

    [Description("Lifetime of SCIM bearer tokens, as a Go-style duration, between 1h and 87600h.")]
    public string TokenTTL { get; init; } = DefaultTokenTTL;

    /// <summary><see cref="TokenTTL"/> as a span (validation has refused any other value; the default if it is not one).</summary>
    public TimeSpan TokenLifetime() => Lifetime(TokenTTL) ?? Lifetime(DefaultTokenTTL)!.Value;

    private static TimeSpan? Lifetime(string ttl) =>
        GoDuration.TryParse(ttl, TokenTTLRange, "tokenTTL", out var lifetime, out _) ? lifetime : null;
}

public sealed record AzureADSettings
{
    [System.ComponentModel.DataAnnotations.Required]
    public string TenantId { get; init; } = "";
    [System.ComponentModel.DataAnnotations.Required]
    public string ClientId { get; init; } = "";
    [Description("Client secret of the app registration, by reference: {env: NAME}, {file: PATH} or {secretRef: {name, key}}.")]
    public SecretReference? ClientSecret { get; init; }
    public string? Authority { get; init; }
    public string? GraphBaseUrl { get; init; }
}

public sealed record GoogleWorkspaceSettings
{
    public string Customer { get; init; } = "my_customer";
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Administrator the service account impersonates (domain-wide delegation).")]
    public string AdminEmail { get; init; } = "";
    [Description("JSON key of the service account, by reference: {env: NAME}, {file: PATH} or {secretRef: {name, key}}.")]
    public SecretReference? ServiceAccountKey { get; init; }
    public string? BaseUrl { get; init; }
}

public sealed record DirectorySourceStatus : ResourceStatus
{
    [Description("When the read that last changed this status finished. A sync that changes nothing writes nothing; live sync times are in /metrics.")]
    public DateTimeOffset? LastSyncTime { get; init; }

    [Description("How long the last sync took, as a Go-style duration.")]
    public string? LastSyncDuration { get; init; }

    public int UsersSeen { get; init; }

    public int GroupsSeen { get; init; }

    [Description("False when the last read was incomplete (read error, truncated paging, malformed rows).")]
    public bool Complete { get; init; }

    [Description("Incremental sync cursor (USN, Graph deltaLink, ...).")]
    public string? Cursor { get; init; }
}
