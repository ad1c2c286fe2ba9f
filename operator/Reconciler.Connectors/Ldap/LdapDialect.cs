using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// What differs between an LDAP directory (OpenLDAP and the like) and Active Directory: which entries are users, which
/// attribute holds each field by default, how the id is spelled, and what makes an account disabled.
/// </summary>
public sealed class LdapDialect
{
    /// <summary>OpenLDAP and other LDAPv3 directories.</summary>
    public static readonly LdapDialect Ldap = new(
        DirectorySourceType.Ldap, "(objectClass=inetOrgPerson)", "entryUUID",
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["userName"] = "uid", ["email"] = "mail", ["displayName"] = "cn", ["givenName"] = "givenName",
            ["surname"] = "sn", ["department"] = "departmentNumber", ["title"] = "title",
        },
        ["pwdAccountLockedTime"]);

    /// <summary>Active Directory (and Samba as a domain controller).</summary>
    public static readonly LdapDialect ActiveDirectory = new(
        DirectorySourceType.ActiveDirectory, "(&(objectCategory=person)(objectClass=user))", "objectGUID",
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["userName"] = "userPrincipalName", ["email"] = "mail", ["displayName"] = "displayName", ["givenName"] = "givenName",
            ["surname"] = "sn", ["department"] = "department", ["title"] = "title",
        },
        [UserAccountControl, AccountExpires, SamAccountName, UserPrincipalName]);

    public const string UserAccountControl = "userAccountControl";
    public const string AccountExpires = "accountExpires";
    public const string SamAccountName = "sAMAccountName";
    public const string UserPrincipalName = "userPrincipalName";

    /// <summary>The attribute an imported AD user's logon name (DOMAIN\sAMAccountName) is kept under, for mass deployment.</summary>
    public const string LogonNameAttribute = "logonName";

    private LdapDialect(DirectorySourceType type, string userFilter, string id, IReadOnlyDictionary<string, string> defaults, string[] state)
    {
        Type = type;
        DefaultUserFilter = userFilter;
        DefaultId = id;
        Defaults = defaults;
        StateAttributes = state;
    }

    public DirectorySourceType Type { get; }

    public string DefaultUserFilter { get; }

    public string DefaultId { get; }

    /// <summary>The default attribute of each user field, by field name.</summary>
    public IReadOnlyDictionary<string, string> Defaults { get; }

    /// <summary>Attributes read for the account's state and the kept identities (beyond the fields).</summary>
    public IReadOnlyList<string> StateAttributes { get; }

    public bool IsActiveDirectory => Type == DirectorySourceType.ActiveDirectory;

    /// <summary>Whether an id attribute holds bytes (AD's objectGUID) rather than text.</summary>
    public static bool IsBinaryId(string attribute) => attribute.Equals("objectGUID", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the account may sign in: OpenLDAP: no password-policy lock; AD: userAccountControl without
    /// ACCOUNTDISABLE (bit 2) and accountExpires not passed (0 and 2^63-1 mean never).
    /// </summary>
    public bool Enabled(IReadOnlyDictionary<string, string> state, DateTimeOffset now)
    {
        if (!IsActiveDirectory) return !state.ContainsKey("pwdAccountLockedTime");
        if (state.TryGetValue(UserAccountControl, out var flags) && long.TryParse(flags, out var uac) && (uac & 2) != 0) return false;
        if (state.TryGetValue(AccountExpires, out var expires) && long.TryParse(expires, out var fileTime)
            && fileTime is > 0 and < long.MaxValue && fileTime < DateTimeOffset.MaxValue.ToFileTime())
        {
            return DateTimeOffset.FromFileTime(fileTime) > now;
        }
        return true;
    }
}
