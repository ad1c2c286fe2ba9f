using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Reconciler.Http.Telemetry;

/// <summary>
/// Finds the route pattern of a request that routing answered with 405 Method Not Allowed.
/// When a path matches routes but none accepts the method, ASP.NET Core's <c>HttpMethodMatcherPolicy</c> selects an
/// endpoint of its own ("405 HTTP Method Not Supported"): a plain <see cref="Endpoint"/> with no metadata and no
/// <see cref="RouteEndpoint.RoutePattern"/>. This matches the path again against the app's route endpoints that declare
/// other methods, and names the one routing prefers (lowest order, then the most specific pattern). The answer is
/// always one of the app's own patterns, so no request can add a label value of its choosing.
/// </summary>
internal sealed class MethodNotAllowedRoutes(EndpointDataSource endpoints)
{
    // Rebuilt when the data source hands out a new list of endpoints (it keeps one until its endpoints change).
    private Snapshot? _snapshot;

    /// <summary>The pattern of the route whose path matched, or null when none does.</summary>
    public string? Find(HttpRequest request)
    {
        foreach (var route in Current().Routes)
        {
            if (!Accepts(route.Methods, request.Method) && route.Matcher.TryMatch(request.Path, new RouteValueDictionary()))
            {
                return route.Pattern;
            }
        }

        return null;
    }

    private static bool Accepts(IReadOnlyList<string> methods, string method)
    {
        foreach (var candidate in methods)
        {
            if (HttpMethods.Equals(candidate, method))
            {
                return true;
            }
        }

        return false;
    }

    private Snapshot Current()
    {
        var source = endpoints.Endpoints;
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null || !ReferenceEquals(snapshot.Source, source))
        {
            snapshot = Snapshot.Of(source);
            Volatile.Write(ref _snapshot, snapshot);
        }

        return snapshot;
    }

    private sealed record Route(string Pattern, IReadOnlyList<string> Methods, TemplateMatcher Matcher);

    private sealed record Snapshot(IReadOnlyList<Endpoint> Source, IReadOnlyList<Route> Routes)
    {
        // Only routes restricted to some methods can cause a 405; an any-method route on the path would have matched.
        public static Snapshot Of(IReadOnlyList<Endpoint> source) => new(source, source
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is not null && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Count > 0)
            .Select(e => (Endpoint: e, Template: new RouteTemplate(e.RoutePattern)))
            .OrderBy(r => r.Endpoint.Order)
            .ThenBy(r => RoutePrecedence.ComputeInbound(r.Template))
            .Select(r => new Route(
                r.Endpoint.RoutePattern.RawText!,
                r.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods,
                new TemplateMatcher(r.Template, new RouteValueDictionary(r.Endpoint.RoutePattern.Defaults))))
            .ToList());
    }
}
