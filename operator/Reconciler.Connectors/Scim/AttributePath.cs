namespace Reconciler.Connectors.Scim;

/// <summary>
/// An attribute named in a filter, a PATCH path or an <c>attributes</c> parameter (RFC 7644 §3.10):
/// an optional schema URN, the attribute, and an optional sub-attribute —
/// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value</c>, <c>name.givenName</c>, <c>emails</c>.
/// Names keep the client's spelling; every comparison with a schema ignores case.
/// </summary>
public sealed record AttributePath(string? Schema, string Name, string? SubAttribute = null)
{
    /// <summary>Longest path read: far beyond any real URN and name, short enough to echo in a message.</summary>
    public const int MaxLength = 512;

    public override string ToString() =>
        (Schema is null ? "" : Schema + ":") + Name + (SubAttribute is null ? "" : "." + SubAttribute);

    /// <summary>
    /// Reads <paramref name="text"/> as an attribute path. A URN prefix ends at its last ':' (attribute names hold no
    /// ':', URNs hold '.', as in "2.0"); the name and sub-attribute must be RFC 7643 §2.1 names or <c>$ref</c>.
    /// </summary>
    public static bool TryParse(string text, out AttributePath path)
    {
        path = null!;
        if (text.Length is 0 or > MaxLength) return false;
        string? schema = null;
        var rest = text;
        if (text.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = text.LastIndexOf(':');
            schema = text[..colon];
            rest = text[(colon + 1)..];
            if (!IsUrn(schema)) return false;
        }
        var dot = rest.IndexOf('.');
        var name = dot < 0 ? rest : rest[..dot];
        var sub = dot < 0 ? null : rest[(dot + 1)..];
        if (!IsName(name) || (sub is not null && !IsName(sub))) return false;
        path = new AttributePath(schema, name, sub);
        return true;
    }

    /// <summary>The same attribute and sub-attribute, ignoring case and whether the core schema URN was written.</summary>
    internal bool Names(string name, string? subAttribute = null) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase)
        && string.Equals(SubAttribute, subAttribute, StringComparison.OrdinalIgnoreCase);

    /// <summary>ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; and "$ref".</summary>
    internal static bool IsName(string name)
    {
        if (name.Equals("$ref", StringComparison.OrdinalIgnoreCase)) return true;
        if (name.Length == 0 || !char.IsAsciiLetter(name[0])) return false;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_') return false;
        }
        return true;
    }

    private static bool IsUrn(string urn)
    {
        if (urn.Length <= 4) return false;
        foreach (var c in urn)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ':' and not '.' and not '-' and not '_') return false;
        }
        return true;
    }
}
