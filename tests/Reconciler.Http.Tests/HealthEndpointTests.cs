using System.Net;
using Reconciler.Http.Tests.Support;

namespace Reconciler.Http.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_AnswersOk()
    {
        await using var host = await RunningHost.StartAsync();

        using var response = await host.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Readyz_IsUnavailableUntilFirstReconcileFinishes_ThenReady()
    {
        await using var host = await RunningHost.StartAsync();

        using (var before = await host.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
            Assert.Equal("not ready: first reconcile has not finished", await before.Content.ReadAsStringAsync());
        }

        host.Readiness.MarkReady();

        using var after = await host.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("ready", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_ShowsTheReasonWhenReadinessIsTakenBack()
    {
        await using var host = await RunningHost.StartAsync();
        host.Readiness.MarkReady();

        host.Readiness.MarkNotReady("store is unreachable");

        using var response = await host.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("not ready: store is unreachable", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Head_AnswersLikeGetWithoutABody(string path)
    {
        await using var host = await RunningHost.StartAsync();
        host.Readiness.MarkReady();

        using var get = await host.Client.GetAsync(path);
        using var head = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_Readyz_IsUnavailableUntilFirstReconcileFinishes()
    {
        await using var host = await RunningHost.StartAsync();

        using var head = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/readyz"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task UnknownPath_IsNotFound()
    {
        await using var host = await RunningHost.StartAsync();

        using var response = await host.Client.GetAsync("/no/such/thing?x=1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task WrongMethodOnKnownPath_IsAClientError()
    {
        await using var host = await RunningHost.StartAsync();

        using var response = await host.Client.PostAsync("/healthz", new StringContent("x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Responses_DoNotAdvertiseTheServer()
    {
        await using var host = await RunningHost.StartAsync();

        using var response = await host.Client.GetAsync("/healthz");

        Assert.Empty(response.Headers.Server);
    }
}
