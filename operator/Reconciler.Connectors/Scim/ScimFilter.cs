using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>The comparison operators of RFC 7644 §3.4.2.2 (<c>pr</c> is <see cref="Present"/>).</summary>
public enum ScimOperator { Eq, Ne, Co, Sw, Ew, Gt, Ge, Lt, Le }

/// <summary>
/// A SCIM filter (RFC 7644 §3.4.2.2) as a closed set of records: <see cref="Comparison"/>, <see cref="Present"/>,
/// <see cref="And"/>, <see cref="Or"/>, <see cref="Not"/> and <see cref="ValuePath"/>. Parsing is bounded
/// (<see cref="MaxLength"/> characters, <see cref="MaxDepth"/> levels of nesting), so hostile text costs linear time
/// and never the stack. <see cref="Matches"/> compares by the schema: caseExact, dateTime instants, numbers.
/// </summary>
public abstract record ScimFilter
{
    public const int MaxLength = 4096;
    public const int MaxDepth = 32;

    /// <summary>Reads a filter; a syntax error throws <see cref="ScimException"/> 400 invalidFilter naming the position.</summary>
    public static ScimFilter Parse(string text) => ScimFilterParser.Parse(text);

    /// <summary>
    /// Reads a filter and checks it against <paramref name="type"/> (<see cref="Validate"/>): what a <c>filter</c>
    /// query parameter needs before a search, one 400 invalidFilter for either kind of mistake.
    /// </summary>
    public static ScimFilter Parse(string text, ScimResourceType type)
    {
        var filter = Parse(text);
        return filter.Validate(type) is { } problem ? throw ScimException.InvalidFilter(problem) : filter;
    }

    /// <summary>
    /// Whether <paramref name="resource"/> matches. An attribute the resource type does not define matches nothing
    /// (so <c>not (…)</c> of it matches everything); <see cref="Validate"/> reports such filters before a search.
    /// </summary>
    public bool Matches(JsonObject resource, ScimResourceType type) => ScimFilterEvaluator.Matches(this, resource, type);

    /// <summary>
    /// The first thing wrong with this filter for <paramref name="type"/>, or null: an attribute it does not define,
    /// an operator that does not apply to the attribute's type (<c>gt</c> on a boolean, <c>co</c> on a number), or a
    /// value of the wrong JSON type. Messages name the attribute as the client wrote it.
    /// </summary>
    public string? Validate(ScimResourceType type) => ScimFilterValidator.Validate(this, type);

    /// <summary>
    /// True when only resources whose <paramref name="attribute"/> equals <paramref name="value"/> can match: the
    /// filter is <c>attribute eq "value"</c>, or an <c>and</c> with that on one side. The endpoint can then look the
    /// candidates up by index and apply <see cref="Matches"/> to them. The index must compare as the attribute's
    /// caseExact says (userName and displayName ignore case; externalId and id do not).
    /// </summary>
    public static bool TryGetEquality(ScimFilter filter, string attribute, out string value)
    {
        value = "";
        if (!AttributePath.TryParse(attribute, out var wanted)) return false;
        switch (filter)
        {
            case Comparison { Op: ScimOperator.Eq, Value: JsonValue literal } comparison
                when comparison.Path.Names(wanted.Name, wanted.SubAttribute) && SameSchema(comparison.Path.Schema, wanted.Schema)
                    && ScimJson.AsString(literal) is { } text:
                value = text;
                return true;
            case And and:
                return TryGetEquality(and.Left, attribute, out value) || TryGetEquality(and.Right, attribute, out value);
            default:
                return false;
        }
    }

    /// <summary>The filter written back in SCIM syntax, every <c>and</c> and <c>or</c> in parentheses.</summary>
    public abstract override string ToString();

    private static bool SameSchema(string? written, string? wanted) =>
        wanted is null
            ? written is null || written.StartsWith("urn:ietf:params:scim:schemas:core:2.0:", StringComparison.OrdinalIgnoreCase)
            : string.Equals(written, wanted, StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>attribute op value</c>; <see cref="Value"/> is the JSON literal (null for <c>null</c>).</summary>
public sealed record Comparison(AttributePath Path, ScimOperator Op, JsonNode? Value) : ScimFilter
{
    private static readonly JsonSerializerOptions Literal = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override string ToString() =>
        $"{Path} {Op.ToString().ToLowerInvariant()} {(Value is null ? "null" : Value.ToJsonString(Literal))}";
}

/// <summary><c>attribute pr</c>: the attribute has a value that is not null or empty.</summary>
public sealed record Present(AttributePath Path) : ScimFilter
{
    public override string ToString() => $"{Path} pr";
}

public sealed record And(ScimFilter Left, ScimFilter Right) : ScimFilter
{
    public override string ToString() => $"({Left} and {Right})";
}

public sealed record Or(ScimFilter Left, ScimFilter Right) : ScimFilter
{
    public override string ToString() => $"({Left} or {Right})";
}

public sealed record Not(ScimFilter Filter) : ScimFilter
{
    public override string ToString() => $"not ({Filter})";
}

/// <summary>
/// <c>emails[type eq "work" and value co "@example.com"]</c>: some value of the multi-valued <see cref="Path"/>
/// matches <see cref="Filter"/>, whose attribute names are sub-attributes of it.
/// </summary>
public sealed record ValuePath(AttributePath Path, ScimFilter Filter) : ScimFilter
{
    public override string ToString() => $"{Path}[{Filter}]";
}
