using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// Where an LDAP read left off: the newest change among the users it read and among the groups, and a fingerprint of
/// what was asked (base DNs, filter, attributes), so a changed spec reads everything again.
/// <c>ldap-1:KIND:USERS:GROUPS:FINGERPRINT</c>. KIND is <c>csn</c> when every entry had an <c>entryCSN</c> (OpenLDAP:
/// unique per change, to the microsecond, so the next read asks for strictly later ones) and <c>ts</c> for
/// <c>modifyTimestamp</c> (to the second, so the next read asks again for the last second: an entry changed later
/// in that same second must not be missed).
/// </summary>
public sealed partial record LdapCursor(string Kind, string UsersAt, string GroupsAt, string Fingerprint)
{
    private const string Prefix = "ldap-1";
    public const string Csn = "csn";
    public const string Timestamp = "ts";

    public override string ToString() => $"{Prefix}:{Kind}:{UsersAt}:{GroupsAt}:{Fingerprint}";

    /// <summary>The stored cursor when it was made for this very spec, else null (a full read is due).</summary>
    public static LdapCursor? Parse(string? text, string fingerprint)
    {
        if (text is null) return null;
        var parts = text.Split(':');
        if (parts is not [Prefix, var kind, var users, var groups, var made] || made != fingerprint) return null;
        if (kind is not (Csn or Timestamp) || !IsMark(kind, users) || (groups.Length > 0 && !IsMark(kind, groups))) return null;
        return new LdapCursor(kind, users, groups, made);
    }

    /// <summary>The attribute the marks of this kind come from.</summary>
    public string Attribute => AttributeOf(Kind);

    public static string AttributeOf(string kind) => kind == Csn ? "entryCSN" : "modifyTimestamp";

    /// <summary>A filter clause for entries changed after <paramref name="mark"/>.</summary>
    public string ChangedSince(string mark) => Kind == Csn
        ? $"(&(entryCSN>={mark})(!(entryCSN={mark})))"
        : $"(modifyTimestamp>={mark})";

    /// <summary>True when an entry stamped <paramref name="at"/> changed after <paramref name="mark"/>.</summary>
    public bool After(string at, string mark) => string.CompareOrdinal(at, mark) > 0;

    /// <summary>What the reads of this spec ask for, hashed: a cursor of another spec is never used.</summary>
    public static string FingerprintOf(LdapSettings settings, string userFilter, IEnumerable<string> attributes)
    {
        var text = string.Join('\n', settings.BaseDN.Trim(), userFilter, settings.GroupBaseDN?.Trim() ?? "", string.Join(',', attributes));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>A mark of the kind: GeneralizedTime to the second (these compare as text), or an OpenLDAP CSN.</summary>
    public static bool IsMark(string kind, string value) => kind == Csn ? CsnForm().IsMatch(value) : IsTimestamp(value);

    public static bool IsTimestamp(string value) =>
        value.Length == 15 && value[14] == 'Z' && value.AsSpan(0, 14).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>The later of two marks of one kind (empty counts as the earliest).</summary>
    public static string Later(string a, string b) => string.CompareOrdinal(a, b) >= 0 ? a : b;

    [GeneratedRegex(@"^\d{14}\.\d{6}Z#[0-9a-f]{6}#[0-9a-f]{3}#[0-9a-f]{6}$")]
    private static partial Regex CsnForm();
}
