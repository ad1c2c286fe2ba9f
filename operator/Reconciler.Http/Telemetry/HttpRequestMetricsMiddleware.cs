using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reconciler.Http.Telemetry;

/// <summary>
/// Counts every request in <c>reconciler_http_requests_total</c>, labelled with the matched route pattern
/// (<c>/scim/v2/Users/{id}</c>, not <c>/scim/v2/Users/42</c>) so the number of series stays bounded.
/// A wrong method on a known route is counted under that route (see <see cref="MethodNotAllowedRoutes"/>);
/// a path no route knows is "unmatched". Runs after routing has chosen the endpoint.
/// </summary>
internal sealed class HttpRequestMetricsMiddleware(RequestDelegate next, ReconcilerMetrics metrics, EndpointDataSource endpoints)
{
    private readonly MethodNotAllowedRoutes _methodNotAllowed = new(endpoints);

    public async Task InvokeAsync(HttpContext context)
    {
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            // An exception that escapes the pipeline becomes a 500 unless the response had already started.
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            metrics.ObserveHttpRequest(context.Request.Method, Route(context, status), status);
        }
    }

    private string? Route(HttpContext context, int status) => context.GetEndpoint() switch
    {
        RouteEndpoint endpoint => endpoint.RoutePattern.RawText,
        // Routing's own 405 endpoint carries no pattern; only a path that matched a route gets one.
        { } => status == StatusCodes.Status405MethodNotAllowed ? _methodNotAllowed.Find(context.Request) : null,
        null => null,
    };
}
