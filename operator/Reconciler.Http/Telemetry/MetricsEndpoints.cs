using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reconciler.Http.Telemetry;

/// <summary>
/// <c>GET /metrics</c>: the Prometheus text exposition format of <see cref="ReconcilerMetrics"/>. HEAD answers like GET
/// (same status and headers, no body), as for the health endpoints.
/// </summary>
public static class MetricsEndpoints
{
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints, ReconcilerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);

        endpoints.MapMethods("/metrics", GetOrHead, async (HttpContext context) =>
        {
            // Collect into memory first: a failure then becomes a clean 500, never a half-written scrape.
            using var buffer = new MemoryStream();
            await metrics.ExportAsTextAsync(buffer, context.RequestAborted);
            context.Response.ContentType = ReconcilerMetrics.TextContentType;
            context.Response.ContentLength = buffer.Length;
            if (HttpMethods.IsHead(context.Request.Method)) return;
            buffer.Position = 0;
            await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
        });

        return endpoints;
    }
}
