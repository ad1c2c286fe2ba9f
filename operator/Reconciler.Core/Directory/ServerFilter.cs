using System.Security.Cryptography;
using System.Text;

namespace Reconciler.Core.Directory;

/// <summary>
/// A mapping's raw LDAP filter (<c>filter.ldapFilter</c>) is evaluated by the directory, not here: the connector asks
/// the server which users match each clause and marks them with an attribute named after the clause, which the
/// mapping's filter then tests. The mark travels in the snapshot with the user, so a user whose match changes is a
/// changed user.
/// </summary>
public static class ServerFilter
{
    public const string Prefix = "ldapFilter:";

    /// <summary>The attribute that marks a user the directory matched to <paramref name="clause"/>.</summary>
    public static string Key(string clause) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clause.Trim())))[..16];

    public static bool Matched(ImportedUser user, string clause) => user.Attributes?.ContainsKey(Key(clause)) == true;
}
