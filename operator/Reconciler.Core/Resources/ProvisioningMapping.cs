using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Reconciler.Core.Resources;

[Description("Which imported users get provisioned, and with what profile, region and quota.")]
public sealed record ProvisioningMapping : Resource
{
    public const string KindName = "ProvisioningMapping";

    public ProvisioningMapping() => Kind = KindName;

    [System.ComponentModel.DataAnnotations.Required]
    [Description("Which users of a source match, and the profile, region and quota they get.")]
    public ProvisioningMappingSpec Spec { get; init; } = new();

    [Description("How many users this mapping matched and provisioned.")]
    public ProvisioningMappingStatus? Status { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<LoginMechanism>))]
public enum LoginMechanism { DirectoryPassword, SingleSignOn, GeneratedPassword }

public sealed record ProvisioningMappingSpec
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("The DirectorySource whose users this mapping provisions.")]
    public ResourceRef SourceRef { get; init; } = new();

    [Description("Lower number wins when several mappings of one source match a user; ties break by name.")]
    public int Priority { get; init; }

    [Description("Which users match. All present clauses must hold; an empty filter matches every user.")]
    public UserFilter Filter { get; init; } = new();

    [System.ComponentModel.DataAnnotations.Required]
    [Description("Backup profile given to matched users.")]
    public string Profile { get; init; } = "";

    [System.ComponentModel.DataAnnotations.Required]
    [Description("Storage region of matched users.")]
    public string StorageRegion { get; init; } = "";

    [Description("The StorageQuotaPolicy of matched users.")]
    public ResourceRef? QuotaPolicyRef { get; init; }

    [Description("Inline quota (50Gi, 1Ti; 0 = unlimited; at most 8Ei) when no quotaPolicyRef is given.")]
    [IntOrString, JsonConverter(typeof(IntOrStringConverter))]
    public string? Quota { get; init; }

    [Description("Create users that match but are not provisioned yet.")]
    public bool AutoImportNewUsers { get; init; } = true;

    [Description("Copy directory details (name, email, department, ...) onto provisioned users.")]
    public bool AutoUpdateUserDetails { get; init; } = true;

    [Description("When a user stops matching or leaves the directory: preserve (true) or disable (false). Data is never deleted.")]
    public bool PreserveUnmappedUsers { get; init; } = true;

    [Description("How matched users sign in: DirectoryPassword, SingleSignOn or GeneratedPassword.")]
    public LoginMechanism LoginMechanism { get; init; } = LoginMechanism.DirectoryPassword;
}

public sealed record UserFilter
{
    [Description("Member of any of these groups (nested where the directory supports it).")]
    public List<string>? Groups { get; init; }

    [Description("Attribute conditions; all must hold.")]
    public List<AttributeCondition>? Attributes { get; init; }

    [Description("Subtree: an LDAP DN, an AD OU or a Google orgUnitPath (starting with /).")]
    public string? OrganizationalUnit { get; init; }

    [Description("A raw LDAP filter, for Ldap and ActiveDirectory sources only.")]
    public string? LdapFilter { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<FilterOperator>))]
public enum FilterOperator { In, NotIn, Exists, Equals, StartsWith, Matches }

public sealed record AttributeCondition
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("User field or directory attribute, e.g. department, title, email.")]
    public string Name { get; init; } = "";

    [System.ComponentModel.DataAnnotations.Required]
    [Description("In, NotIn, Exists, Equals, StartsWith or Matches (a .NET regular expression).")]
    public FilterOperator Operator { get; init; }

    public List<string>? Values { get; init; }
}

public sealed record ProvisioningMappingStatus : ResourceStatus
{
    [Description("Imported users whose winning mapping is this one.")]
    public int MatchedUsers { get; init; }

    [Description("Active users provisioned by this mapping.")]
    public int ProvisionedUsers { get; init; }

    [Description("Users this mapping could not provision because another source owns their email.")]
    public int Conflicts { get; init; }
}
