using System.Net;
using Reconciler.Http.Health;
using Reconciler.Http.Hosting;
using Reconciler.Http.Telemetry;
using Reconciler.Http.Tests.Support;

namespace Reconciler.Http.Tests;

public sealed class ListenTests
{
    private static Task<ReconcilerHttpHost> StartAsync(string listenUrl) =>
        ReconcilerHttpHost.StartAsync(listenUrl, new ReconcilerMetrics(), new ReadinessState(), CancellationToken.None);

    [Fact]
    public async Task PortZero_ReportsTheRealBoundPort()
    {
        await using var host = await RunningHost.StartAsync();

        Assert.Equal("http", host.Host.Address.Scheme);
        Assert.Equal("127.0.0.1", host.Host.Address.Host);
        Assert.NotEqual(0, host.Host.Address.Port);
    }

    [Fact]
    public async Task SecondHostOnTheSamePort_FailsWithAddressAlreadyInUse()
    {
        await using var first = await RunningHost.StartAsync();
        var url = $"http://127.0.0.1:{first.Host.Address.Port}";

        var error = await Assert.ThrowsAsync<ListenException>(() => StartAsync(url));

        Assert.Equal($"cannot listen on {url}: address already in use", error.Message);
        using var stillServing = await first.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("127.0.0.1:8080", "it is not a URL")]
    [InlineData("https://127.0.0.1:8443", "scheme 'https' is not supported")]
    [InlineData("ftp://127.0.0.1:21", "scheme 'ftp' is not supported")]
    [InlineData("http://127.0.0.1:99999", "it is malformed")]
    [InlineData("http://127.0.0.1:80:80", "it is malformed")]
    [InlineData("http://127.0.0.1:8080/metrics", "no path")]
    [InlineData("http://user@127.0.0.1:8080", "no path, query or user")]
    [InlineData("http://*x:8080", "malformed")]
    [InlineData("http://reconciler.example.com:8080", "host 'reconciler.example.com' is not an IP address, localhost or *")]
    public async Task MalformedListenUrl_IsRejectedNamingTheUrl(string url, string reason)
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => StartAsync(url));

        Assert.IsType<InvalidListenUrlException>(error);
        Assert.StartsWith($"invalid listen URL '{url}': ", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("Parameter", error.Message);
    }

    [Theory]
    [InlineData("http://localhost:0")]
    [InlineData("HTTP://127.0.0.1:0/")]
    [InlineData(" http://127.0.0.1:0 ")]
    public async Task AcceptedListenUrls_Serve(string url)
    {
        await using var host = await StartAsync(url);
        using var client = new HttpClient { BaseAddress = host.Address };

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StoppedHost_ReleasesItsPort()
    {
        var first = await StartAsync("http://127.0.0.1:0");
        var url = $"http://127.0.0.1:{first.Address.Port}";
        await first.DisposeAsync();

        await using var second = await StartAsync(url);

        Assert.Equal(first.Address.Port, second.Address.Port);
    }
}
