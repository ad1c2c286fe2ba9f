using System.Text;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// The little of RFC 4514 DN syntax a directory read needs: splitting off the first RDN (a user's container is the DN
/// without it) and one spelling per DN, so a group named by memberOf and by a group's member list compare equal.
/// Escaped separators (<c>cn=Smith\, John</c>) and quoted values stay inside their RDN.
/// </summary>
public static class DistinguishedName
{
    /// <summary>The DN without its first RDN: the entry's container. Empty for a one-RDN DN.</summary>
    public static string Parent(string dn)
    {
        var end = FirstSeparator(dn);
        return end < 0 ? "" : Canonical(dn[(end + 1)..]);
    }

    /// <summary>
    /// The DN with the spaces around separators, '=' and '+' removed and attribute types lower-cased; values keep their
    /// case and escapes (directories compare most values ignoring case, as the mapping filters do).
    /// </summary>
    public static string Canonical(string dn)
    {
        if (IsCanonical(dn)) return dn;
        var text = new StringBuilder(dn.Length);
        var inType = true;
        var quoted = false;
        for (var i = 0; i < dn.Length; i++)
        {
            var c = dn[i];
            if (c == '\\' && i + 1 < dn.Length)
            {
                AppendEscaped(text, dn, ref i);
                continue;
            }
            if (c == '"') quoted = !quoted;
            if (!quoted && (c is ',' or ';' or '+'))
            {
                TrimEnd(text);
                text.Append(c == ';' ? ',' : c);
                inType = true;
                SkipSpaces(dn, ref i);
                continue;
            }
            if (!quoted && inType && c == '=')
            {
                TrimEnd(text);
                text.Append('=');
                inType = false;
                SkipSpaces(dn, ref i);
                continue;
            }
            if (text.Length == 0 && c == ' ') continue;
            text.Append(inType ? char.ToLowerInvariant(c) : c);
        }
        TrimEnd(text);
        return text.ToString();
    }

    /// <summary>
    /// One escape in one spelling: a hex escape (<c>\2C</c>, or the UTF-8 bytes of a letter) becomes the character,
    /// and a character that must stay escaped becomes its backslash form (<c>\,</c>), as servers spell DNs differently.
    /// </summary>
    private static void AppendEscaped(StringBuilder text, string dn, ref int i)
    {
        var bytes = new List<byte>();
        var j = i;
        while (j + 2 < dn.Length && dn[j] == '\\' && IsHex(dn[j + 1]) && IsHex(dn[j + 2]))
        {
            bytes.Add(Convert.ToByte(dn.Substring(j + 1, 2), 16));
            j += 3;
        }
        if (bytes.Count == 0)
        {
            text.Append('\\').Append(dn[i + 1]);
            i++;
            return;
        }
        foreach (var decoded in Encoding.UTF8.GetString(bytes.ToArray()))
        {
            if (decoded is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=') text.Append('\\');
            text.Append(decoded);
        }
        i = j - 1;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    /// <summary>
    /// True when <see cref="Canonical"/> would change nothing: no spaces, no ';', no hex escapes, lower-case attribute
    /// types. Servers mostly send DNs like that, and a directory read canonicalises every member of every group.
    /// </summary>
    private static bool IsCanonical(string dn)
    {
        var inType = true;
        for (var i = 0; i < dn.Length; i++)
        {
            var c = dn[i];
            switch (c)
            {
                case ' ' or ';' or '"':
                    return false;
                case '\\':
                    if (i + 1 >= dn.Length || IsHex(dn[i + 1])) return false;
                    i++;
                    continue;
                case ',' or '+':
                    inType = true;
                    continue;
                case '=':
                    inType = false;
                    continue;
            }
            if (inType && char.IsAsciiLetterUpper(c)) return false;
            if (inType && c > 127) return false;
        }
        return true;
    }

    /// <summary>Index of the first unescaped, unquoted ',' or ';', or -1.</summary>
    private static int FirstSeparator(string dn)
    {
        var quoted = false;
        for (var i = 0; i < dn.Length; i++)
        {
            var c = dn[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (c == '"') quoted = !quoted;
            else if (!quoted && c is ',' or ';') return i;
        }
        return -1;
    }

    private static void SkipSpaces(string dn, ref int i)
    {
        while (i + 1 < dn.Length && dn[i + 1] == ' ') i++;
    }

    /// <summary>Drops trailing spaces that are not escaped (an escaped space, "\ ", is part of the value).</summary>
    private static void TrimEnd(StringBuilder text)
    {
        while (text.Length > 0 && text[^1] == ' ' && !(text.Length > 1 && text[^2] == '\\')) text.Length--;
    }
}
