using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reconciler.Http.Health;

/// <summary>
/// <c>GET /healthz</c> (liveness) and <c>GET /readyz</c> (readiness), plain text for probes and humans.
/// Both answer HEAD like GET (same status and headers, no body), as HTTP asks and some probes and load balancers use.
/// </summary>
public static class HealthEndpoints
{
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints, ReadinessState readiness)
    {
        ArgumentNullException.ThrowIfNull(readiness);

        // Kestrel sends no body for HEAD, whatever the handler writes.
        endpoints.MapMethods("/healthz", GetOrHead, () => TypedResults.Text("ok"));

        endpoints.MapMethods("/readyz", GetOrHead, () => readiness.NotReadyReason is { } reason
            ? TypedResults.Text($"not ready: {reason}", statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Text("ready"));

        return endpoints;
    }
}
