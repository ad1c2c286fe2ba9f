using Reconciler.Http.Health;
using Reconciler.Http.Hosting;
using Reconciler.Http.Telemetry;

namespace Reconciler.Http.Tests.Support;

/// <summary>A real host on 127.0.0.1 with a free port, and an HttpClient pointed at it.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    private RunningHost(ReconcilerHttpHost host, ReconcilerMetrics metrics, ReadinessState readiness)
    {
        Host = host;
        Metrics = metrics;
        Readiness = readiness;
        Client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public ReconcilerHttpHost Host { get; }
    public ReconcilerMetrics Metrics { get; }
    public ReadinessState Readiness { get; }
    public HttpClient Client { get; }

    public static async Task<RunningHost> StartAsync(ReconcilerHttpOptions? options = null)
    {
        var metrics = new ReconcilerMetrics();
        var readiness = new ReadinessState();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var host = await ReconcilerHttpHost.StartAsync(
            "http://127.0.0.1:0", metrics, readiness, options ?? new ReconcilerHttpOptions(), timeout.Token);
        return new RunningHost(host, metrics, readiness);
    }

    public async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await Client.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
