using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reconciler.Http.Health;
using Reconciler.Http.Telemetry;

namespace Reconciler.Http.Hosting;

/// <summary>
/// The HTTP server of <c>reconciler run</c>: <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, plus the endpoint groups
/// the caller adds (SCIM, device activation). Kestrel only: no configuration files, no environment variables,
/// no console lifetime, silent unless the caller asks for logs.
/// </summary>
public sealed class ReconcilerHttpHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeSpan _shutdownTimeout;
    private int _stopped;

    private ReconcilerHttpHost(WebApplication app, IReadOnlyList<Uri> addresses, TimeSpan shutdownTimeout)
    {
        _app = app;
        Addresses = addresses;
        _shutdownTimeout = shutdownTimeout;
    }

    /// <summary>The address the server is bound to, with the real port when the listen URL asked for port 0.</summary>
    public Uri Address => Addresses[0];

    /// <summary>Every bound address (one, except in unusual Kestrel setups).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <inheritdoc cref="StartAsync(string, ReconcilerMetrics, ReadinessState, ReconcilerHttpOptions, CancellationToken)"/>
    public static Task<ReconcilerHttpHost> StartAsync(
        string listenUrl, ReconcilerMetrics metrics, ReadinessState readiness, CancellationToken ct) =>
        StartAsync(listenUrl, metrics, readiness, new ReconcilerHttpOptions(), ct);

    /// <summary>Binds <paramref name="listenUrl"/> and starts serving; returns once the server accepts connections.</summary>
    /// <exception cref="InvalidListenUrlException">The URL is malformed, not http://, or names a host that is not an IP or localhost.</exception>
    /// <exception cref="ListenException">The address cannot be bound, e.g. it is already in use.</exception>
    public static async Task<ReconcilerHttpHost> StartAsync(
        string listenUrl, ReconcilerMetrics metrics, ReadinessState readiness, ReconcilerHttpOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(readiness);
        ArgumentNullException.ThrowIfNull(options);
        var listen = ListenAddress.Parse(listenUrl);

        var app = Build(listen, metrics, readiness, options);
        try
        {
            await app.StartAsync(ct);
        }
        catch (Exception ex) when (ListenFailure.Describe(ex) is { } reason)
        {
            await app.DisposeAsync();
            throw new ListenException(listen.Url, reason, ex);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a)).ToArray() ?? [];
        if (addresses.Length == 0)
        {
            await app.DisposeAsync();
            throw new ListenException(listen.Url, "the server started without a bound address");
        }

        return new ReconcilerHttpHost(app, addresses, options.ShutdownTimeout);
    }

    /// <summary>Stops accepting connections and waits up to the shutdown timeout for requests in flight.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_shutdownTimeout);
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static WebApplication Build(
        ListenAddress listen, ReconcilerMetrics metrics, ReadinessState readiness, ReconcilerHttpOptions options)
    {
        // The empty builder reads no appsettings.json and no ASPNETCORE_* variables: --listen is the only input.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ReconcilerHttpHost).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            listen.Apply(kestrel);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        ConfigureLogging(builder, options);
        options.ConfigureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseRouting();
        app.UseMiddleware<HttpRequestMetricsMiddleware>(metrics);
        app.MapHealthEndpoints(readiness);
        app.MapMetricsEndpoint(metrics);
        foreach (var group in options.EndpointGroups)
        {
            group(app);
        }

        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, ReconcilerHttpOptions options)
    {
        builder.Logging.ClearProviders();
        if (options.LoggerFactory is { } loggerFactory)
        {
            // Owned by the caller: registered as an instance, so the container does not dispose it.
            builder.Services.AddSingleton(loggerFactory);
            return;
        }

        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        if (options.MinimumLogLevel != LogLevel.None)
        {
            // Standard error, so logs never mix with what the CLI prints on standard output.
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
                console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }
    }
}
