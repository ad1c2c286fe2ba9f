using System.Globalization;
using System.Text.Json.Nodes;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// A request the SCIM protocol refuses, as RFC 7644 §3.12 reports it: the HTTP status, the <c>scimType</c> (for a 400:
/// invalidFilter, tooMany, uniqueness, mutability, invalidSyntax, invalidPath, noTarget, invalidValue, invalidVers,
/// sensitive) and a detail for the client. The detail is made safe once, here: control and bidirectional characters
/// are escaped and it is cut at <see cref="MaxDetailLength"/>, so a hostile value is never echoed raw.
/// </summary>
public sealed class ScimException : Exception
{
    public const int MaxDetailLength = 600;

    public ScimException(int status, string? scimType, string detail) : base(SafeText.Show(detail, MaxDetailLength))
    {
        Status = status;
        ScimType = scimType;
    }

    public int Status { get; }

    /// <summary>The RFC 7644 Table 9 error keyword, or null for errors that have none (404, 409, 412, …).</summary>
    public string? ScimType { get; }

    /// <summary>The message for the client, already escaped and cut.</summary>
    public string Detail => Message;

    /// <summary>The error response body (RFC 7644 §3.12), with the status as a string as the RFC shows it.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.ErrorUrn),
            ["status"] = Status.ToString(CultureInfo.InvariantCulture),
        };
        if (ScimType is not null) json["scimType"] = ScimType;
        json["detail"] = Detail;
        return json;
    }

    internal static ScimException InvalidFilter(string detail) => new(400, "invalidFilter", detail);
    internal static ScimException InvalidSyntax(string detail) => new(400, "invalidSyntax", detail);
    internal static ScimException InvalidPath(string detail) => new(400, "invalidPath", detail);
    internal static ScimException InvalidValue(string detail) => new(400, "invalidValue", detail);
    internal static ScimException NoTarget(string detail) => new(400, "noTarget", detail);
    internal static ScimException Mutability(string detail) => new(400, "mutability", detail);
}
