using System.Text;

namespace Reconciler.Testing.Directories;

/// <summary>One entry of an LDIF document (for example the output of <c>ldapsearch -LLL</c>).</summary>
public sealed class LdifEntry
{
    private static readonly IReadOnlyList<string> None = [];

    internal LdifEntry(string dn, Dictionary<string, List<string>> attributes)
    {
        Dn = dn;
        Attributes = attributes.ToDictionary(
            pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The entry's DN, as written (base64 already decoded).</summary>
    public string Dn { get; }

    /// <summary>The attribute values by attribute description, compared case-insensitively, in document order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; }

    /// <summary>The values of <paramref name="attribute"/>, empty when the entry does not have it.</summary>
    public IReadOnlyList<string> Values(string attribute) =>
        Attributes.TryGetValue(attribute, out var values) ? values : None;

    /// <summary>The first value of <paramref name="attribute"/>, or <see langword="null"/>.</summary>
    public string? Value(string attribute) => Values(attribute) is [var first, ..] ? first : null;

    /// <inheritdoc />
    public override string ToString() => Dn;
}

/// <summary>Small LDIF (RFC 2849) and DN (RFC 4514) helpers for writing test data and reading tool output.</summary>
public static class Ldif
{
    /// <summary>
    /// Whether <paramref name="value"/> must be written base64-encoded (<c>name:: …</c>): anything outside
    /// printable ASCII, a leading space, colon or '&lt;', or a trailing space.
    /// </summary>
    public static bool NeedsBase64(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        if (value[0] is ' ' or ':' or '<' || value[^1] == ' ')
        {
            return true;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One LDIF line (without the line break) for an attribute value, base64-encoded when needed.</summary>
    public static string Line(string attribute, string value) =>
        NeedsBase64(value)
            ? $"{attribute}:: {Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}"
            : $"{attribute}: {value}";

    /// <summary>Writes <see cref="Line"/> and a line feed without building the line as a string first.</summary>
    public static void WriteLine(TextWriter writer, string attribute, string value)
    {
        writer.Write(attribute);
        if (NeedsBase64(value))
        {
            writer.Write(":: ");
            writer.Write(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)));
        }
        else
        {
            writer.Write(": ");
            writer.Write(value);
        }

        writer.Write('\n');
    }

    /// <summary>
    /// Escapes an attribute value for use in a string DN (RFC 4514): <c>, + " \ &lt; &gt; ;</c>, a leading
    /// '#' or space, a trailing space and NUL. Non-ASCII characters stay as they are (DNs are UTF-8).
    /// </summary>
    public static string EscapeDnValue(string value)
    {
        var builder = new StringBuilder(value.Length + 4);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case ',' or '+' or '"' or '\\' or '<' or '>' or ';':
                case '#' when i == 0:
                case ' ' when i == 0 || i == value.Length - 1:
                    builder.Append('\\').Append(c);
                    break;
                case '\0':
                    builder.Append("\\00");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Escapes a value for an LDAP search filter (RFC 4515): <c>* ( ) \</c> and NUL become <c>\2a \28 \29 \5c \00</c>.
    /// </summary>
    public static string EscapeFilterValue(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '*' => @"\2a",
                '(' => @"\28",
                ')' => @"\29",
                '\\' => @"\5c",
                '\0' => @"\00",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>
    /// A canonical form of a string DN for comparisons: attribute types lower-cased, values unescaped (both
    /// <c>\,</c> and hex <c>\2C</c> forms), lower-cased and escaped again the one way <see cref="EscapeDnValue"/> does,
    /// spaces around separators dropped, the AVAs of a multi-valued RDN sorted. Values compare case-insensitively,
    /// which is right for the naming attributes used here (cn, uid, ou, dc, o). OpenLDAP returns an entry's own DN in
    /// its hex-escaped "pretty" form (<c>cn=Smith\2C John</c>) but DN-valued attributes as written (<c>cn=Smith\, John</c>).
    /// </summary>
    public static string NormalizeDn(string dn)
    {
        var rdns = Split(dn.Trim(), ',');
        if (rdns is [""])
        {
            return "";
        }

        return string.Join(',', rdns.Select(rdn => string.Join('+', Split(rdn, '+')
            .Select(ava =>
            {
                var equals = ava.IndexOf('=');
                if (equals <= 0)
                {
                    throw new FormatException($"Not a DN: '{dn}'.");
                }

                var type = ava[..equals].Trim().ToLowerInvariant();
                var value = UnescapeDnValue(TrimUnescaped(ava[(equals + 1)..]));
                return $"{type}={EscapeDnValue(value.ToLowerInvariant())}";
            })
            .Order(StringComparer.Ordinal))));
    }

    /// <summary>Whether two string DNs name the same entry (see <see cref="NormalizeDn"/>).</summary>
    public static bool DnEquals(string left, string right) =>
        string.Equals(NormalizeDn(left), NormalizeDn(right), StringComparison.Ordinal);

    private static List<string> Split(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static string TrimUnescaped(string value)
    {
        var start = 0;
        while (start < value.Length && value[start] == ' ')
        {
            start++;
        }

        var end = value.Length;
        while (end > start && value[end - 1] == ' ' && !(end - 2 >= start && value[end - 2] == '\\'))
        {
            end--;
        }

        return value[start..end];
    }

    private static string UnescapeDnValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var bytes = new List<byte>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && IsHex(value, i + 1) && IsHex(value, i + 2))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            if (bytes.Count > 0)
            {
                builder.Append(Encoding.UTF8.GetString(bytes.ToArray()));
                bytes.Clear();
            }

            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
            }

            builder.Append(value[i]);
        }

        if (bytes.Count > 0)
        {
            builder.Append(Encoding.UTF8.GetString(bytes.ToArray()));
        }

        return builder.ToString();
    }

    private static bool IsHex(string text, int index) => index < text.Length && char.IsAsciiHexDigit(text[index]);

    /// <summary>
    /// Parses LDIF content records: folded lines, comments, <c>version:</c>, base64 values (decoded as UTF-8).
    /// Change records are returned as entries whose <c>changetype</c> and modification lines are plain attributes.
    /// </summary>
    public static IReadOnlyList<LdifEntry> Parse(string text)
    {
        var entries = new List<LdifEntry>();
        string? dn = null;
        var attributes = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);

        void Flush()
        {
            if (dn is not null)
            {
                entries.Add(new LdifEntry(dn, attributes));
            }

            dn = null;
            attributes = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        }

        foreach (var line in Unfold(text))
        {
            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            if (line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"Not an LDIF line: '{line}'.");
            }

            var name = line[..colon];
            string value;
            if (colon + 1 < line.Length && line[colon + 1] == ':')
            {
                value = Encoding.UTF8.GetString(Convert.FromBase64String(line[(colon + 2)..].Trim()));
            }
            else
            {
                value = line[(colon + 1)..].TrimStart(' ');
            }

            if (dn is null)
            {
                if (name.Equals("version", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!name.Equals("dn", StringComparison.OrdinalIgnoreCase))
                {
                    throw new FormatException($"An LDIF record must start with 'dn:', not '{line}'.");
                }

                dn = value;
                continue;
            }

            if (!attributes.TryGetValue(name, out var values))
            {
                attributes[name] = values = [];
            }

            values.Add(value);
        }

        Flush();
        return entries;
    }

    private static IEnumerable<string> Unfold(string text)
    {
        StringBuilder? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (line.StartsWith(' ') && current is not null)
            {
                current.Append(line, 1, line.Length - 1);
                continue;
            }

            if (current is not null)
            {
                yield return current.ToString();
            }

            current = new StringBuilder(line);
        }

        if (current is not null)
        {
            yield return current.ToString();
        }
    }
}
