using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Connectors.Scim;
using Reconciler.Core.Resources;
using Reconciler.Store.Contract;

namespace Reconciler.Http.Scim;

/// <summary>
/// The SCIM 2.0 service provider under <c>/scim/v2</c> (RFC 7644): <c>/Users</c> and <c>/Groups</c> (POST, GET by id,
/// GET with filter and paging, PUT, PATCH, DELETE, POST <c>.search</c>), <c>/.search</c>, <c>/ServiceProviderConfig</c>,
/// <c>/Schemas</c> and <c>/ResourceTypes</c>. Every request needs the bearer token of a Scim source; every answer is
/// <c>application/scim+json</c>, errors in the SCIM Error schema. A client's mistake is a 4xx, never a 5xx.
/// </summary>
public static class ScimEndpoints
{
    public const string Prefix = "/scim/v2";
    public const string MediaType = "application/scim+json";

    private static readonly ScimResourceType[] Types = [ScimResourceType.User, ScimResourceType.Group];

    public static IEndpointRouteBuilder MapScim(this IEndpointRouteBuilder routes, ScimOptions options)
    {
        var provider = new ScimProvider(options);
        // The writer ends with the host, having stored what it had taken; the store is closed after that.
        routes.ServiceProvider.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()?.ApplicationStopped
            .Register(() => provider.StopAsync().Wait(TimeSpan.FromSeconds(10)));
        var access = new ScimAccess(options);
        RequestDelegate Handle(Func<HttpContext, DirectorySource, Task> work) => context => ServeAsync(context, access, work);

        routes.MapGet(Prefix + "/ServiceProviderConfig", Handle((c, _) => WriteAsync(c, 200, ScimDiscovery.ServiceProviderConfig(BaseUrl(c), options))));
        routes.MapGet(Prefix + "/Schemas", Handle((c, _) => WriteAsync(c, 200, ScimDiscovery.Schemas(BaseUrl(c)))));
        routes.MapGet(Prefix + "/Schemas/{id}", Handle((c, _) => WriteAsync(c, 200, ScimDiscovery.Schema(BaseUrl(c), Route(c, "id")))));
        routes.MapGet(Prefix + "/ResourceTypes", Handle((c, _) => WriteAsync(c, 200, ScimDiscovery.ResourceTypes(BaseUrl(c)))));
        routes.MapGet(Prefix + "/ResourceTypes/{name}", Handle((c, _) => WriteAsync(c, 200, ScimDiscovery.ResourceType(BaseUrl(c), Route(c, "name")))));
        routes.MapPost(Prefix + "/.search", Handle(async (c, source) =>
        {
            // Across resource types: the users, then the groups, as one list paged as one.
            var query = ScimQuery.Of(await ReadObjectAsync(c, options));
            var count = Math.Min(query.Count ?? options.MaxPageSize, options.MaxPageSize);
            // A filter on an attribute only one type has (userName, members) selects from that type alone.
            ScimException? refused = null;
            async Task<JsonObject> ListOrNoneAsync(ScimResourceType type, ScimQuery typed)
            {
                try
                {
                    return await ScimListing.ListAsync(provider.Store, source, type, typed, options.MaxPageSize, BaseUrl(c), c.RequestAborted);
                }
                catch (ScimException e) when (e.ScimType == "invalidFilter")
                {
                    if (refused is not null) throw refused;
                    refused = e;
                    return new JsonObject { ["totalResults"] = 0, ["Resources"] = new JsonArray() };
                }
            }
            var users = await ListOrNoneAsync(ScimResourceType.User, query with { Count = count });
            var usersTotal = users["totalResults"]!.GetValue<int>();
            var page = ((JsonArray)users["Resources"]!).Select(r => r!.DeepClone()).ToList();
            var groups = await ListOrNoneAsync(ScimResourceType.Group, query with { StartIndex = Math.Max(1, query.StartIndex - usersTotal), Count = count - page.Count });
            page.AddRange(((JsonArray)groups["Resources"]!).Select(r => r!.DeepClone()));
            await WriteAsync(c, 200, new JsonObject
            {
                ["schemas"] = new JsonArray(ScimSchemas.ListResponseUrn),
                ["totalResults"] = usersTotal + groups["totalResults"]!.GetValue<int>(),
                ["startIndex"] = query.StartIndex,
                ["itemsPerPage"] = page.Count,
                ["Resources"] = new JsonArray([.. page]),
            });
        }));

        foreach (var type in Types)
        {
            var collection = Prefix + type.Endpoint;
            var item = collection + "/{id}";
            routes.MapPost(collection, Handle(async (c, source) =>
            {
                var (_, stored) = await provider.CreateAsync(source, type, await ReadObjectAsync(c, options), c.RequestAborted);
                c.Response.Headers.Location = ScimRepresentation.Location(BaseUrl(c), type, stored.Id);
                await WriteResourceAsync(c, 201, stored, type, Query(c));
            }));
            routes.MapGet(collection, Handle(async (c, source) =>
                await WriteAsync(c, 200, await ScimListing.ListAsync(provider.Store, source, type,
                    ScimQuery.Of(name => c.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null), options.MaxPageSize, BaseUrl(c), c.RequestAborted))));
            routes.MapPost(collection + "/.search", Handle(async (c, source) =>
                await WriteAsync(c, 200, await ScimListing.ListAsync(provider.Store, source, type, ScimQuery.Of(await ReadObjectAsync(c, options)),
                    options.MaxPageSize, BaseUrl(c), c.RequestAborted))));
            routes.MapGet(item, Handle(async (c, source) =>
            {
                var stored = await provider.GetAsync(source, type, Route(c, "id"), c.RequestAborted);
                if (c.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } none && ScimRepresentation.VersionOf(none) == stored.Version)
                {
                    c.Response.StatusCode = StatusCodes.Status304NotModified;
                    c.Response.Headers.ETag = ScimRepresentation.ETag(stored.Version);
                    return;
                }
                await WriteResourceAsync(c, 200, stored, type, Query(c));
            }));
            routes.MapPut(item, Handle(async (c, source) =>
                await WriteResourceAsync(c, 200, await provider.ReplaceAsync(source, type, Route(c, "id"), await ReadObjectAsync(c, options), IfMatch(c), c.RequestAborted), type, Query(c))));
            routes.MapPatch(item, Handle(async (c, source) =>
                await WriteResourceAsync(c, 200, await provider.PatchAsync(source, type, Route(c, "id"), await ReadObjectAsync(c, options), IfMatch(c), c.RequestAborted), type, Query(c))));
            routes.MapDelete(item, Handle(async (c, source) =>
            {
                await provider.DeleteAsync(source, type, Route(c, "id"), IfMatch(c), c.RequestAborted);
                c.Response.StatusCode = StatusCodes.Status204NoContent;
            }));
        }
        routes.Map(Prefix + "/{**rest}", Handle((c, _) => throw new ScimException(404, null, $"no SCIM endpoint {Truncate(c.Request.Path)}")));
        return routes;
    }

    /// <summary>The one catch site: authenticates, runs the operation, and turns every refusal into its SCIM error.</summary>
    private static async Task ServeAsync(HttpContext context, ScimAccess access, Func<HttpContext, DirectorySource, Task> work)
    {
        try
        {
            var source = await access.AuthenticateAsync(context, context.RequestAborted);
            await work(context, source);
        }
        catch (ScimException e)
        {
            if (e.Status == 401) context.Response.Headers.WWWAuthenticate = "Bearer realm=\"reconciler\"";
            await WriteAsync(context, e.Status, e.ToJson());
        }
        catch (ScimThrottledException e)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await WriteAsync(context, 429, new ScimException(429, null, "too many requests for this token; retry after the Retry-After header's seconds").ToJson());
        }
        catch (ScimConflictException e)
        {
            var error = e.VersionMismatch ? new ScimException(412, null, e.Message) : new ScimException(409, "uniqueness", e.Message);
            await WriteAsync(context, error.Status, error.ToJson());
        }
        catch (ScimNotFoundException e)
        {
            await WriteAsync(context, 404, new ScimException(404, null, e.Message).ToJson());
        }
        catch (StoreException e) when (e.Transient)
        {
            context.Response.Headers.RetryAfter = "1";
            await WriteAsync(context, 503, new ScimException(503, null, "the store is busy; retry shortly").ToJson());
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nothing to answer.
        }
    }

    /// <summary>
    /// The request's body as a JSON object: application/scim+json or application/json, at most the size limit, UTF-8,
    /// nested at most 64 deep.
    /// </summary>
    private static async Task<JsonObject> ReadObjectAsync(HttpContext context, ScimOptions options)
    {
        var request = context.Request;
        var type = request.ContentType is { } contentType ? contentType.Split(';')[0].Trim() : "";
        if (!type.Equals(MediaType, StringComparison.OrdinalIgnoreCase) && !type.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScimException(415, null, $"the body must be {MediaType} or application/json, not '{Truncate(type)}'");
        }
        if (request.ContentLength > options.MaxBodyBytes) throw TooLarge(options);
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > options.MaxBodyBytes) throw TooLarge(options);
            buffer.Write(chunk, 0, read);
        }
        // Checked whole, first: the parser leaves strings undecoded until they are read, long after this.
        if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
        {
            throw new ScimException(400, "invalidSyntax", "the body is not valid UTF-8");
        }
        try
        {
            return JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject
                ?? throw new ScimException(400, "invalidSyntax", "the body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ScimException(400, "invalidSyntax", $"the body is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw new ScimException(400, "invalidSyntax", $"the body is not valid JSON: {e.Message}");
        }
    }

    private static ScimException TooLarge(ScimOptions options) =>
        new(413, null, $"the body is larger than {options.MaxBodyBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes");

    private static Task WriteResourceAsync(HttpContext context, int status, StoredScimResource stored, ScimResourceType type, ScimQuery query)
    {
        var json = ScimRepresentation.Of(stored, type, BaseUrl(context));
        context.Response.Headers.ETag = ScimRepresentation.ETag(stored.Version);
        return WriteAsync(context, status, ScimProjection.Apply(json, type, query.Attributes, query.ExcludedAttributes));
    }

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        context.Response.ContentType = MediaType;
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter.AsStream());
        body.WriteTo(writer);
    }

    private static ScimQuery Query(HttpContext context) =>
        ScimQuery.Of(name => context.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null);

    private static long? IfMatch(HttpContext context) => ScimRepresentation.VersionOf(context.Request.Headers.IfMatch.ToString());

    private static string Route(HttpContext context, string name) => context.Request.RouteValues[name]?.ToString() ?? "";

    private static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{Prefix}";

    private static string Truncate(string text) => Reconciler.Core.Text.SafeText.Show(text, 120);
}
