namespace Reconciler.Connectors.Scim;

/// <summary>
/// The target of a PATCH operation (RFC 7644 §3.5.2): an attribute, optionally narrowed to the values matching
/// <see cref="Filter"/>, optionally down to one <see cref="SubAttribute"/> of them —
/// <c>members</c>, <c>name.givenName</c>, <c>members[value eq "2819c223"]</c>, <c>emails[type eq "work"].value</c>.
/// </summary>
public sealed record ScimPath(AttributePath Attribute, ScimFilter? Filter, string? SubAttribute)
{
    /// <summary>Reads a PATCH path; a malformed one throws <see cref="ScimException"/> 400 invalidPath.</summary>
    public static ScimPath Parse(string text) => ScimFilterParser.ParsePath(text);

    public override string ToString() =>
        Attribute + (Filter is null ? "" : $"[{Filter}]") + (SubAttribute is null ? "" : "." + SubAttribute);
}
