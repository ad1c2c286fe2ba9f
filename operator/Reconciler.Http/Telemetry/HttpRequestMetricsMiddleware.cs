using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reconciler.Http.Telemetry;

/// <summary>
/// Counts every request in <c>reconciler_http_requests_total</c>, labelled with the matched route pattern
/// (<c>/scim/v2/Users/{id}</c>, not <c>/scim/v2/Users/42</c>) so the number of series stays bounded.
/// Runs after routing has chosen the endpoint.
/// </summary>
internal sealed class HttpRequestMetricsMiddleware(RequestDelegate next, ReconcilerMetrics metrics)
{
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
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            // An exception that escapes the pipeline becomes a 500 unless the response had already started.
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            metrics.ObserveHttpRequest(context.Request.Method, route, status);
        }
    }
}
