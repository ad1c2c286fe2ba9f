using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>The data type of a SCIM attribute (RFC 7643 §2.3).</summary>
public enum ScimType { String, Boolean, Decimal, Integer, DateTime, Binary, Reference, Complex }

/// <summary>Whether and how a client may change an attribute (RFC 7643 §7, "mutability").</summary>
public enum ScimMutability { ReadOnly, ReadWrite, Immutable, WriteOnly }

/// <summary>When an attribute appears in a response (RFC 7643 §7, "returned").</summary>
public enum ScimReturned { Always, Never, Default, Request }

/// <summary>How the service provider enforces an attribute's uniqueness (RFC 7643 §7, "uniqueness").</summary>
public enum ScimUniqueness { None, Server, Global }

/// <summary>
/// One attribute of a SCIM schema as RFC 7643 §7 describes it: what type its values have, whether there are many,
/// whether a client may write it, when it is returned and how strings compare (<see cref="CaseExact"/>). The filter,
/// PATCH, projection and body validation all decide by these definitions, never by attribute names.
/// </summary>
public sealed record ScimAttribute(string Name, ScimType Type)
{
    public bool MultiValued { get; init; }
    public bool Required { get; init; }
    public bool CaseExact { get; init; }
    public ScimMutability Mutability { get; init; } = ScimMutability.ReadWrite;
    public ScimReturned Returned { get; init; } = ScimReturned.Default;
    public ScimUniqueness Uniqueness { get; init; } = ScimUniqueness.None;
    public IReadOnlyList<ScimAttribute> SubAttributes { get; init; } = [];
    public IReadOnlyList<string> CanonicalValues { get; init; } = [];

    /// <summary>For <see cref="ScimType.Reference"/>: the resource types or "external" / "uri" it may point to.</summary>
    public IReadOnlyList<string> ReferenceTypes { get; init; } = [];

    public string Description { get; init; } = "";

    /// <summary>The sub-attribute of that name, ignoring case (RFC 7643 §2.1: attribute names are case-insensitive).</summary>
    public ScimAttribute? SubAttribute(string name)
    {
        foreach (var sub in SubAttributes)
        {
            if (string.Equals(sub.Name, name, StringComparison.OrdinalIgnoreCase)) return sub;
        }
        return null;
    }

    /// <summary>The attribute's definition as served in a schema of <c>/Schemas</c> (RFC 7643 §7).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["type"] = TypeName(Type),
            ["multiValued"] = MultiValued,
            ["description"] = Description,
            ["required"] = Required,
        };
        if (Type == ScimType.Complex)
        {
            json["subAttributes"] = new JsonArray(SubAttributes.Select(s => (JsonNode?)s.ToJson()).ToArray());
        }
        else
        {
            json["caseExact"] = CaseExact;
        }
        if (CanonicalValues.Count > 0) json["canonicalValues"] = StringArray(CanonicalValues);
        if (ReferenceTypes.Count > 0) json["referenceTypes"] = StringArray(ReferenceTypes);
        json["mutability"] = Mutability switch
        {
            ScimMutability.ReadOnly => "readOnly",
            ScimMutability.Immutable => "immutable",
            ScimMutability.WriteOnly => "writeOnly",
            _ => "readWrite",
        };
        json["returned"] = Returned switch
        {
            ScimReturned.Always => "always",
            ScimReturned.Never => "never",
            ScimReturned.Request => "request",
            _ => "default",
        };
        if (Type != ScimType.Complex && Type != ScimType.Boolean)
        {
            json["uniqueness"] = Uniqueness switch
            {
                ScimUniqueness.Server => "server",
                ScimUniqueness.Global => "global",
                _ => "none",
            };
        }
        return json;
    }

    /// <summary>The RFC 7643 spelling of a type: <c>dateTime</c>, <c>reference</c>, …</summary>
    public static string TypeName(ScimType type) => type switch
    {
        ScimType.DateTime => "dateTime",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static JsonArray StringArray(IEnumerable<string> values) =>
        new(values.Select(v => (JsonNode?)v).ToArray());
}
