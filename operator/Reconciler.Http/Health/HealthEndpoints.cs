using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reconciler.Http.Health;

/// <summary><c>GET /healthz</c> (liveness) and <c>GET /readyz</c> (readiness), plain text for probes and humans.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints, ReadinessState readiness)
    {
        ArgumentNullException.ThrowIfNull(readiness);

        endpoints.MapGet("/healthz", () => TypedResults.Text("ok"));

        endpoints.MapGet("/readyz", () => readiness.NotReadyReason is { } reason
            ? TypedResults.Text($"not ready: {reason}", statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Text("ready"));

        return endpoints;
    }
}
