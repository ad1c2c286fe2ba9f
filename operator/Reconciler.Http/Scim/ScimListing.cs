using System.Globalization;
using System.Text.Json.Nodes;
using Reconciler.Connectors.Scim;
using Reconciler.Core.Resources;
using Reconciler.Store.Contract;

namespace Reconciler.Http.Scim;

/// <summary>What a listing asks for (RFC 7644 §3.4.2): a filter, a page (1-based startIndex, count) and the attributes to show.</summary>
internal sealed record ScimQuery(string? Filter, int StartIndex, int? Count, IReadOnlyList<string>? Attributes, IReadOnlyList<string>? ExcludedAttributes)
{
    /// <summary>The query of a GET's query string; a startIndex below 1 is 1 and a negative count 0, as the RFC says.</summary>
    public static ScimQuery Of(Func<string, string?> parameter)
    {
        static int? Number(string? text, string name) => text is null ? null
            : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
            : throw new ScimException(400, "invalidValue", $"{name} must be a whole number, not '{text}'");
        return new ScimQuery(parameter("filter"), Math.Max(1, Number(parameter("startIndex"), "startIndex") ?? 1),
            Number(parameter("count"), "count") is { } count ? Math.Max(0, count) : null,
            List(parameter("attributes")), List(parameter("excludedAttributes")));
    }

    /// <summary>The query of a POST /.search body (RFC 7644 §3.4.3).</summary>
    public static ScimQuery Of(JsonObject body)
    {
        static int? Number(JsonNode? node, string name) => node switch
        {
            null => null,
            JsonValue v when v.TryGetValue<int>(out var n) => n,
            _ => throw new ScimException(400, "invalidValue", $"{name} must be a whole number"),
        };
        static IReadOnlyList<string>? Names(JsonNode? node) => node switch
        {
            null => null,
            JsonArray array => array.Select(a => a is JsonValue v && v.TryGetValue<string>(out var s) ? s
                : throw new ScimException(400, "invalidValue", "attributes must be a list of attribute names")).ToList(),
            _ => throw new ScimException(400, "invalidValue", "attributes must be a list of attribute names"),
        };
        var filter = body["filter"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            _ => throw new ScimException(400, "invalidFilter", "filter must be a string"),
        };
        return new ScimQuery(filter, Math.Max(1, Number(body["startIndex"], "startIndex") ?? 1),
            Number(body["count"], "count") is { } count ? Math.Max(0, count) : null, Names(body["attributes"]), Names(body["excludedAttributes"]));
    }

    private static IReadOnlyList<string>? List(string? text) =>
        text is null ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// Listings and lookups: a filter on userName, displayName, externalId or id with eq is answered from the store's
/// keys; any other filter is evaluated over the resources in id order, which is also the stable order pages follow.
/// </summary>
internal static class ScimListing
{
    public static async Task<JsonObject> ListAsync(IScimStore store, DirectorySource source, ScimResourceType type, ScimQuery query, int maxPage,
        string baseUrl, CancellationToken ct)
    {
        var filter = query.Filter is null ? null : ScimFilter.Parse(query.Filter, type);
        var count = Math.Min(query.Count ?? maxPage, maxPage);
        var page = new List<JsonObject>();
        var total = 0;
        await foreach (var resource in Candidates(store, source.Key.QualifiedName, type, filter, ct))
        {
            // Without a filter a resource off the page is only counted: it is not made into JSON at all.
            var json = filter is null ? null : ScimRepresentation.Of(resource, type, baseUrl);
            if (json is not null && !filter!.Matches(json, type)) continue;
            total++;
            if (total >= query.StartIndex && page.Count < count)
            {
                page.Add(ScimProjection.Apply(json ?? ScimRepresentation.Of(resource, type, baseUrl), type, query.Attributes, query.ExcludedAttributes));
            }
        }
        return new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.ListResponseUrn),
            ["totalResults"] = total,
            ["startIndex"] = query.StartIndex,
            ["itemsPerPage"] = page.Count,
            ["Resources"] = new JsonArray([.. page]),
        };
    }

    /// <summary>The resources that may match: found by key for an equality on a unique attribute, else all of them.</summary>
    private static async IAsyncEnumerable<StoredScimResource> Candidates(IScimStore store, string source, ScimResourceType type, ScimFilter? filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var kind = ScimProvider.Kind(type);
        var nameAttribute = type == ScimResourceType.User ? "userName" : "displayName";
        if (filter is not null && ScimFilter.TryGetEquality(filter, nameAttribute, out var name))
        {
            if (await store.FindResourceByNameAsync(source, kind, name, ct) is { } named) yield return named;
            yield break;
        }
        if (filter is not null && ScimFilter.TryGetEquality(filter, "id", out var id))
        {
            if (await store.GetResourceAsync(source, kind, id, ct) is { } found) yield return found;
            yield break;
        }
        await foreach (var resource in store.ListResourcesAsync(source, kind, ct)) yield return resource;
    }
}

/// <summary>A stored resource as a client sees it: its JSON with <c>meta</c> (resourceType, created, lastModified, location, version).</summary>
internal static class ScimRepresentation
{
    public static JsonObject Of(StoredScimResource resource, ScimResourceType type, string baseUrl)
    {
        var json = (JsonObject)JsonNode.Parse(resource.Json)!;
        json["meta"] = new JsonObject
        {
            ["resourceType"] = type.Name,
            ["created"] = resource.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["lastModified"] = resource.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["location"] = Location(baseUrl, type, resource.Id),
            ["version"] = ETag(resource.Version),
        };
        return json;
    }

    public static string Location(string baseUrl, ScimResourceType type, string id) => $"{baseUrl}{type.Endpoint}/{Uri.EscapeDataString(id)}";

    public static string ETag(long version) => string.Create(CultureInfo.InvariantCulture, $"W/\"{version}\"");

    /// <summary>The version an If-Match header names (<c>W/"3"</c> or <c>"3"</c>), null for none or <c>*</c>.</summary>
    public static long? VersionOf(string? ifMatch)
    {
        if (string.IsNullOrWhiteSpace(ifMatch) || ifMatch.Trim() == "*") return null;
        var text = ifMatch.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal)) text = text[2..];
        text = text.Trim('"');
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new ScimException(412, null, "If-Match names no version of this resource");
    }
}
