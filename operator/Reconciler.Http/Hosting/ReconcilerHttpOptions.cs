using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reconciler.Http.Hosting;

/// <summary>How <see cref="ReconcilerHttpHost"/> logs and which endpoint groups it serves besides health and metrics.</summary>
public sealed record ReconcilerHttpOptions
{
    /// <summary>
    /// Where the host (Kestrel, routing, endpoint groups) logs. When null, the host logs to standard error
    /// at <see cref="MinimumLogLevel"/>, and not at all by default.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Used only when <see cref="LoggerFactory"/> is null. <see cref="LogLevel.None"/> (the default) is silent.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.None;

    /// <summary>
    /// Endpoint groups mapped after the built-in ones, e.g. <c>routes => routes.MapScim(store)</c>.
    /// Their requests are counted in <c>reconciler_http_requests_total</c> by route pattern like the rest.
    /// </summary>
    public IReadOnlyList<Action<IEndpointRouteBuilder>> EndpointGroups { get; init; } = [];

    /// <summary>Services the endpoint groups resolve from request handlers (optional).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>How long stopping waits for requests in flight before closing their connections.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
