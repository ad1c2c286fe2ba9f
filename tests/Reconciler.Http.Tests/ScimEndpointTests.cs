using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Reconciler.Connectors.Scim;
using Reconciler.Core.Resources;
using Reconciler.Http.Hosting;
using Reconciler.Http.Scim;
using Reconciler.Http.Tests.Support;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Http.Tests;

/// <summary>The SCIM endpoint on a real Kestrel host with a real store: rate limits, expiry and wake-ups.</summary>
public sealed class ScimEndpointTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("reconciler-scim-http-").FullName;
    private SqliteStore _store = null!;
    private readonly DirectorySource _source = new()
    {
        Metadata = new ResourceMetadata { Name = "idp" },
        Spec = new DirectorySourceSpec { Type = DirectorySourceType.Scim },
    };
    private readonly List<string> _woken = [];

    public async Task InitializeAsync() => _store = await SqliteStore.OpenAsync(Path.Combine(_folder, "state.db"), readOnly: false, default);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(RunningHost Host, string Token)> StartAsync(int perSecond = 10_000, int burst = 20_000, TimeSpan? lifetime = null)
    {
        var (token, hash) = ScimBearerToken.Create("idp");
        await _store.SaveTokenAsync(new ScimToken("idp", hash, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow + (lifetime ?? TimeSpan.FromDays(1))), default);
        var options = new ScimOptions
        {
            Store = _store,
            Source = name => name == "idp" ? _source : null,
            Enqueue = source => { lock (_woken) _woken.Add(source.Name); },
            RequestsPerSecond = perSecond,
            Burst = burst,
        };
        var host = await RunningHost.StartAsync(new ReconcilerHttpOptions { EndpointGroups = [routes => routes.MapScim(options)] });
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (host, token);
    }

    private static StringContent User(string userName) =>
        new($$"""{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{{userName}}"}""", Encoding.UTF8, "application/scim+json");

    [Fact]
    public async Task PastItsRate_ATokenGets429WithRetryAfter_AndNothingIsStored()
    {
        var (host, _) = await StartAsync(perSecond: 1, burst: 2);
        await using var _ = host;

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++) answers.Add(await host.Client.PostAsync("/scim/v2/Users", User($"user{i}@example.com")));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], answers.Select(a => a.StatusCode));
        var throttled = answers[2];
        Assert.True(throttled.Headers.RetryAfter?.Delta is { } delta && delta >= TimeSpan.FromSeconds(1), throttled.Headers.ToString());
        Assert.Contains("\"status\":\"429\"", await throttled.Content.ReadAsStringAsync());
        Assert.Null(await _store.FindResourceByNameAsync("idp", ScimKind.User, "user2@example.com", default));
        Assert.Equal(2, _woken.Count);
    }

    [Fact]
    public async Task ANewTokenMadeElsewhere_RevokesTheOldOne_WithinTheCacheTime()
    {
        var (host, _) = await StartAsync();
        await using var _ = host;
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/scim/v2/Users")).StatusCode);

        // What `scim token create` does from another process: only the store changes.
        var (fresh, hash) = ScimBearerToken.Create("idp");
        await _store.SaveTokenAsync(new ScimToken("idp", hash, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1)), default);
        await Task.Delay(ScimAccess.TokenCacheFor + TimeSpan.FromMilliseconds(200));

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/scim/v2/Users")).StatusCode);
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fresh);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/scim/v2/Users")).StatusCode);
    }

    [Fact]
    public async Task AnExpiredToken_Is401_WithoutEchoingIt()
    {
        var (host, token) = await StartAsync(lifetime: TimeSpan.FromSeconds(-1));
        await using var _ = host;

        // A write, so what the refusal leaves undone can be seen: nothing stored, nothing woken.
        var answer = await host.Client.PostAsync("/scim/v2/Users", User("late@example.com"));
        var body = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Contains("expired", body);
        Assert.DoesNotContain(token, body);
        Assert.Null(await _store.FindResourceByNameAsync("idp", ScimKind.User, "late@example.com", default));
        Assert.Empty(_woken);
    }
    [Fact]
    public async Task UsersCreatedOneAfterAnother_GetIdsInTheOrderTheyWereCreated()
    {
        // Ids are UUIDv7 (time first), so each new user's rows go at the end of the store's tables instead of at a
        // random page: with random ids a push of 100,000 users answered a third slower, with a tail twice as long.
        var (host, _) = await StartAsync();
        await using var _ = host;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var answer = await host.Client.PostAsync("/scim/v2/Users", User($"user{i}@example.com"));
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
            var id = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            Assert.Equal(7, Guid.Parse(id).Version);
            ids.Add(id);
            // Two ids made within one millisecond need not be in order; a millisecond apart they are.
            await Task.Delay(2);
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }
    [Fact]
    public async Task ETags_AGetNamesTheVersion_IfNoneMatchAnswers304_AndAStaleIfMatchIs412WithNothingChanged()
    {
        var (host, _) = await StartAsync();
        await using var _ = host;
        var created = await host.Client.PostAsync("/scim/v2/Users", User("ada@example.com"));
        var id = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var path = $"/scim/v2/Users/{id}";

        var got = await host.Client.GetAsync(path);
        Assert.Equal("W/\"1\"", got.Headers.ETag?.ToString());
        var meta = System.Text.Json.JsonDocument.Parse(await got.Content.ReadAsStringAsync()).RootElement.GetProperty("meta");
        Assert.Equal("W/\"1\"", meta.GetProperty("version").GetString());

        using (var unchanged = new HttpRequestMessage(HttpMethod.Get, path))
        {
            unchanged.Headers.TryAddWithoutValidation("If-None-Match", "W/\"1\"");
            var answer = await host.Client.SendAsync(unchanged);
            Assert.Equal(HttpStatusCode.NotModified, answer.StatusCode);
            Assert.Empty(await answer.Content.ReadAsByteArrayAsync());
        }

        var replaced = await SendAsync(host, HttpMethod.Put, path, "W/\"1\"", User("ada.lovelace@example.com"));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("W/\"2\"", replaced.Headers.ETag?.ToString());

        // The provider's copy is now stale: a PUT, a PATCH and a DELETE made from it are refused and change nothing.
        var patch = new StringContent("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"CTO"}]}""",
            Encoding.UTF8, "application/scim+json");
        foreach (var (method, content) in new (HttpMethod, HttpContent?)[] { (HttpMethod.Put, User("someone@example.com")), (HttpMethod.Patch, patch), (HttpMethod.Delete, null) })
        {
            var stale = await SendAsync(host, method, path, "W/\"1\"", content);
            var body = await stale.Content.ReadAsStringAsync();
            Assert.True(stale.StatusCode == HttpStatusCode.PreconditionFailed, $"{method}: {(int)stale.StatusCode} {body}");
            Assert.Contains("\"status\":\"412\"", body);
        }
        var kept = await _store.GetResourceAsync("idp", ScimKind.User, id, default);
        Assert.Equal(2, kept!.Version);
        Assert.Contains("ada.lovelace@example.com", kept.Json);
        Assert.DoesNotContain("CTO", kept.Json);

        // "*" matches any version.
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(host, HttpMethod.Delete, path, "*", null)).StatusCode);
        Assert.Null(await _store.GetResourceAsync("idp", ScimKind.User, id, default));
    }

    private static async Task<HttpResponseMessage> SendAsync(RunningHost host, HttpMethod method, string path, string ifMatch, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await host.Client.SendAsync(request);
    }
    [Fact]
    public async Task AStoppedProvider_StoresTheWritesItHadTaken_AndRefusesLaterOnesWith503()
    {
        // When the host stops, the writer ends after storing what it took; the store is closed only after that.
        var provider = new ScimProvider(new ScimOptions
        {
            Store = _store,
            Source = name => name == "idp" ? _source : null,
            Enqueue = source => { lock (_woken) _woken.Add(source.Name); },
        });
        System.Text.Json.Nodes.JsonObject Body(string userName) =>
            (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(
                $$"""{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{{userName}}"}""")!;
        var taken = provider.CreateAsync(_source, ScimResourceType.User, Body("taken@example.com"), default);

        await provider.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var (_, stored) = await taken;
        Assert.NotNull(await _store.GetResourceAsync("idp", ScimKind.User, stored.Id, default));
        var refused = await Assert.ThrowsAsync<ScimException>(() => provider.CreateAsync(_source, ScimResourceType.User, Body("late@example.com"), default));
        Assert.Equal(503, refused.Status);
        Assert.Null(await _store.FindResourceByNameAsync("idp", ScimKind.User, "late@example.com", default));
    }
}
