using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>
/// An identity provider pushing users and groups into `reconciler run` over real HTTP on 127.0.0.1, in the shapes
/// Microsoft Entra ID's provisioning service sends (test connection by filter, create, match, update with capitalised
/// ops and "False" strings, group push, disable, delete), and the users it provisions as a result.
/// </summary>
public sealed class ScimProvisioningTests : IAsyncLifetime
{
    private const string Source = "entra";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);
    private Workspace _workspace = null!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _workspace = Workspace.Empty();
        Directory.CreateDirectory(_workspace.Config);
        _workspace.Write("scim.yaml", """
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: DirectorySource
            metadata: {name: entra}
            spec:
              type: Scim
              scim: {tokenTTL: 720h}
              deletionGuard: {maxDeletePercent: 100}   # one user here: any preserve is 100% of the source
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: engineering}
            spec:
              sourceRef: {name: entra}
              priority: 10
              filter: {groups: [Engineering]}
              profile: laptops-engineering
              storageRegion: eu-west
              quota: 100Gi
            ---
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata: {name: everyone}
            spec:
              sourceRef: {name: entra}
              priority: 100
              profile: laptops-standard
              storageRegion: eu-west
              quota: 50Gi
            """);
        var created = await _workspace.Run("scim", "token", "create", Source, "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile);
        Assert.True(created.ExitCode == 0, created.ToString());
        _token = created.Stdout.Trim();
        Assert.StartsWith("scim1.", _token);
        Assert.DoesNotContain(_token, created.Stderr);
        // The source's tokenTTL (720h), not the default year.
        var until = System.Text.RegularExpressions.Regex.Match(created.Stderr, @"valid until (\S+Z)");
        Assert.True(until.Success, created.Stderr);
        var expires = DateTimeOffset.Parse(until.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(720) - TimeSpan.FromMinutes(5), TimeSpan.FromHours(720) + TimeSpan.FromMinutes(1));
    }

    public Task DisposeAsync()
    {
        _workspace.Dispose();
        return Task.CompletedTask;
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string? json = null, string contentType = "application/scim+json", string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? _token);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        return request;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(RunningReconciler run, HttpRequestMessage request)
    {
        request.RequestUri = new Uri(run.BaseUrl + "/scim/v2" + request.RequestUri!.OriginalString);
        var response = await run.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        if (text.Length > 0) Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, body, response);
    }

    private async Task<JsonElement?> RegistryUserAsync(string email) =>
        (await _workspace.Users()).Cast<JsonElement?>().FirstOrDefault(u => Expect.Str(u!.Value, "email") == email);

    private async Task<JsonElement> SettledAsync(RunningReconciler run, string email, Func<JsonElement, bool> done)
    {
        JsonElement? last = null;
        var settled = await Poll.UntilAsync(Settle, async () => (last = await RegistryUserAsync(email)) is { } user && done(user));
        Assert.True(settled, $"{email} did not reach the expected state within {Settle.TotalSeconds} s (last: {last}):\n{run.Log}");
        return last!.Value;
    }

    [Fact]
    public async Task AnEntraConversation_ProvisionsUpdatesRegroupsDisablesAndPreservesTheUser()
    {
        await using var run = await RunningReconciler.StartAsync(_workspace, RunTests.ReadyTimeout);

        // Test connection: a filter for a user that does not exist.
        var probe = await SendAsync(run, Request(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString("userName eq \"7c1bde33-none@contoso.com\"")));
        Assert.Equal(HttpStatusCode.OK, probe.Status);
        Assert.Equal(0, probe.Body.GetProperty("totalResults").GetInt32());

        var create = await SendAsync(run, Request(HttpMethod.Post, "/Users", """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "externalId": "ada",
              "userName": "Ada.Lovelace@contoso.com",
              "active": true,
              "displayName": "Ada Lovelace",
              "emails": [{"primary": true, "type": "work", "value": "ada.lovelace@contoso.com"}],
              "meta": {"resourceType": "User"},
              "name": {"formatted": "Ada Lovelace", "familyName": "Lovelace", "givenName": "Ada"},
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Analytical Engines"}
            }
            """));
        Assert.Equal(HttpStatusCode.Created, create.Status);
        var id = create.Body.GetProperty("id").GetString()!;
        Assert.Equal($"{run.BaseUrl}/scim/v2/Users/{id}", create.Response.Headers.Location?.ToString());
        Assert.Equal("User", create.Body.GetProperty("meta").GetProperty("resourceType").GetString());

        var user = await SettledAsync(run, "ada.lovelace@contoso.com", u => Expect.Str(u, "state") == "Active");
        var provisionedAt = Expect.Str(user, "createdAt");
        Assert.Equal("everyone", Expect.Str(user, "mapping"));
        Assert.Equal("Analytical Engines", Expect.Str(user, "department"));

        // Match by filter, case-insensitively, as Entra does before an update.
        var match = await SendAsync(run, Request(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString("userName eq \"ada.lovelace@CONTOSO.com\"")));
        Assert.Equal(id, match.Body.GetProperty("Resources")[0].GetProperty("id").GetString());

        var patch = await SendAsync(run, Request(HttpMethod.Patch, $"/Users/{id}", """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Replace", "path": "title", "value": "Countess"},
                            {"op": "Add", "path": "name.givenName", "value": "Augusta Ada"}]}
            """));
        Assert.Equal(HttpStatusCode.OK, patch.Status);
        await SettledAsync(run, "ada.lovelace@contoso.com", u => Expect.Str(u, "title") == "Countess");

        // Group push: a new group, then the user added to it with Entra's member list.
        var group = await SendAsync(run, Request(HttpMethod.Post, "/Groups", """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "externalId": "eng", "displayName": "Engineering", "members": []}
            """));
        Assert.Equal(HttpStatusCode.Created, group.Status);
        var groupId = group.Body.GetProperty("id").GetString()!;
        var added = await SendAsync(run, Request(HttpMethod.Patch, $"/Groups/{groupId}", $$"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Add", "path": "members", "value": [{"value": "{{id}}"}]}]}
            """));
        Assert.True(added.Status == HttpStatusCode.OK, added.Body.ToString());
        await SettledAsync(run, "ada.lovelace@contoso.com", u => Expect.Str(u, "mapping") == "engineering");

        // Disabled in Entra ("False" as a string): preserved with the data, not deleted.
        var disable = await SendAsync(run, Request(HttpMethod.Patch, $"/Users/{id}", """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}
            """));
        Assert.Equal(HttpStatusCode.OK, disable.Status);
        Assert.False(disable.Body.GetProperty("active").GetBoolean());
        await SettledAsync(run, "ada.lovelace@contoso.com", u => Expect.Str(u, "state") == "Preserved");

        // Deleted in Entra: the resource is gone, the registry row stays preserved.
        var delete = await SendAsync(run, Request(HttpMethod.Delete, $"/Users/{id}"));
        Assert.Equal(HttpStatusCode.NoContent, delete.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(run, Request(HttpMethod.Get, $"/Users/{id}"))).Status);

        // Created again under a new id with the same email: re-bound to the preserved user and restored.
        var again = await SendAsync(run, Request(HttpMethod.Post, "/Users", """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada.lovelace@contoso.com", "active": true,
             "emails": [{"primary": true, "type": "work", "value": "ada.lovelace@contoso.com"}], "name": {"givenName": "Ada", "familyName": "Lovelace"}}
            """));
        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.NotEqual(id, again.Body.GetProperty("id").GetString());
        var restored = await SettledAsync(run, "ada.lovelace@contoso.com", u => Expect.Str(u, "state") == "Active");
        Assert.Single(await _workspace.Users(), u => Expect.Str(u, "email") == "ada.lovelace@contoso.com");
        Assert.Equal(again.Body.GetProperty("id").GetString(), Expect.Str(restored, "externalId"));
        // The same registry row as at the first create (so the delete kept it), not a new one.
        Assert.Equal(provisionedAt, Expect.Str(restored, "createdAt"));
    }

    [Fact]
    public async Task AnOktaConversation_UpdatesByPut_PushesGroupsByPatch_AndDeactivatesPathless()
    {
        await using var run = await RunningReconciler.StartAsync(_workspace, RunTests.ReadyTimeout);
        var lookup = await SendAsync(run, Request(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString("userName eq \"grace@contoso.com\"") + "&startIndex=1&count=100"));
        Assert.Equal(0, lookup.Body.GetProperty("totalResults").GetInt32());
        const string Grace = """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "grace@contoso.com",
             "name": {"givenName": "Grace", "familyName": "Hopper"}, "emails": [{"primary": true, "value": "grace@contoso.com", "type": "work"}],
             "displayName": "Grace Hopper", "locale": "en-US", "externalId": "00ub0oNGTSWTBKOLGLNR", "groups": [],
             "password": "1mz050nq", "active": true}
            """;
        var created = await SendAsync(run, Request(HttpMethod.Post, "/Users", Grace));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.False(created.Body.TryGetProperty("password", out _), "the password is never returned");
        foreach (var file in Directory.GetFiles(_workspace.Root, Workspace.StoreFile + "*"))
        {
            Assert.DoesNotContain("1mz050nq", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file)), StringComparison.Ordinal);
        }
        var id = created.Body.GetProperty("id").GetString()!;
        await SettledAsync(run, "grace@contoso.com", u => Expect.Str(u, "mapping") == "everyone");

        // Okta updates a user with PUT of the whole resource.
        var put = await SendAsync(run, Request(HttpMethod.Put, $"/Users/{id}", Grace.Replace("\"Hopper\"", "\"Hopper-Murray\"", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, put.Status);
        await SettledAsync(run, "grace@contoso.com", u => Expect.Str(u, "surname") == "Hopper-Murray");

        // Group push: created with its member, then the member removed by a value filter, then the group renamed.
        var group = await SendAsync(run, Request(HttpMethod.Post, "/Groups", $$"""
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineering", "members": [{"value": "{{id}}", "display": "grace@contoso.com"}]}
            """));
        Assert.Equal(HttpStatusCode.Created, group.Status);
        var groupId = group.Body.GetProperty("id").GetString()!;
        await SettledAsync(run, "grace@contoso.com", u => Expect.Str(u, "mapping") == "engineering");
        var members = await SendAsync(run, Request(HttpMethod.Get, $"/Groups/{groupId}?excludedAttributes=members"));
        Assert.False(members.Body.TryGetProperty("members", out _));
        var removed = await SendAsync(run, Request(HttpMethod.Patch, $"/Groups/{groupId}", $$"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "remove", "path": "members[value eq \"{{id}}\"]"}]}
            """));
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        await SettledAsync(run, "grace@contoso.com", u => Expect.Str(u, "mapping") == "everyone");
        var readded = await SendAsync(run, Request(HttpMethod.Patch, $"/Groups/{groupId}", $$"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "members", "value": [{"value": "{{id}}"}]}]}
            """));
        Assert.Equal(HttpStatusCode.OK, readded.Status);
        await SettledAsync(run, "grace@contoso.com", u => Expect.Str(u, "mapping") == "engineering");
        // Renamed with Okta's path-less replace that repeats the id: the members' groups follow the new name.
        var rename = await SendAsync(run, Request(HttpMethod.Patch, $"/Groups/{groupId}", $$$"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "value": {"id": "{{{groupId}}}", "displayName": "Platform Engineering"}}]}
            """));
        Assert.Equal(HttpStatusCode.OK, rename.Status);
        var renamed = await SendAsync(run, Request(HttpMethod.Get, "/Groups?filter=" + Uri.EscapeDataString("displayName eq \"platform engineering\"")));
        Assert.Equal(groupId, renamed.Body.GetProperty("Resources")[0].GetProperty("id").GetString());
        await SettledAsync(run, "grace@contoso.com", u => Expect.Str(u, "mapping") == "everyone");

        // Okta deactivates with a path-less replace.
        var deactivated = await SendAsync(run, Request(HttpMethod.Patch, $"/Users/{id}", """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": false}}]}
            """));
        Assert.Equal(HttpStatusCode.OK, deactivated.Status);
        await SettledAsync(run, "grace@contoso.com", u => Expect.Str(u, "state") == "Preserved");
    }

    [Fact]
    public async Task ClientMistakes_GetTheirScimErrors_AndChangeNothing()
    {
        await using var run = await RunningReconciler.StartAsync(_workspace, RunTests.ReadyTimeout);
        const string Ada = """{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@contoso.com"}""";
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(run, Request(HttpMethod.Post, "/Users", Ada))).Status);

        var noToken = new HttpRequestMessage(HttpMethod.Get, "/Users");
        var cases = new (HttpRequestMessage Request, HttpStatusCode Status, string? ScimType)[]
        {
            (noToken, HttpStatusCode.Unauthorized, null),
            (Request(HttpMethod.Get, "/Users", token: _token[..^4] + "AAAA"), HttpStatusCode.Unauthorized, null),
            (Request(HttpMethod.Post, "/Users", Ada.Replace("ada@", "ADA@", StringComparison.Ordinal)), HttpStatusCode.Conflict, "uniqueness"),
            (Request(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString("userName eq")), HttpStatusCode.BadRequest, "invalidFilter"),
            (Request(HttpMethod.Get, "/Users/no-such-id"), HttpStatusCode.NotFound, null),
            (Request(HttpMethod.Post, "/Users", "{\"userName\": "), HttpStatusCode.BadRequest, "invalidSyntax"),
            (Request(HttpMethod.Post, "/Users", Ada, contentType: "text/plain"), HttpStatusCode.UnsupportedMediaType, null),
            (Request(HttpMethod.Post, "/Users", "{\"userName\": \"" + new string('x', 2_000_000) + "\"}"), HttpStatusCode.RequestEntityTooLarge, null),
            (Request(HttpMethod.Get, "/Nothing"), HttpStatusCode.NotFound, null),
            (Request(HttpMethod.Post, "/Users", new string('[', 100) + new string(']', 100)), HttpStatusCode.BadRequest, "invalidSyntax"),
            (Request(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString(string.Concat(Enumerable.Repeat("(", 40)) + "userName pr" + new string(')', 40))), HttpStatusCode.BadRequest, "invalidFilter"),
            (Request(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString("nosuchattribute eq \"x\"")), HttpStatusCode.BadRequest, "invalidFilter"),
            (Request(HttpMethod.Patch, "/Users/" + Uri.EscapeDataString("no-such-id"), """{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": []}"""), HttpStatusCode.NotFound, null),
            (Request(HttpMethod.Post, "/Users", """{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "evil\u202Eadmin@contoso.com"}"""), HttpStatusCode.BadRequest, "invalidValue"),
            (InvalidUtf8(Request(HttpMethod.Post, "/Users")), HttpStatusCode.BadRequest, "invalidSyntax"),
            (Request(HttpMethod.Post, "/Users", """{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bob@contoso.com", "favouriteColour": "teal"}"""), HttpStatusCode.BadRequest, "invalidSyntax"),
        };
        foreach (var (request, status, scimType) in cases)
        {
            var path = request.RequestUri!.OriginalString;
            var (actual, body, response) = await SendAsync(run, request);
            Assert.True(status == actual, $"{request.Method} {path}: {actual}, expected {status}: {body}\n{run.Log}");
            Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("status").GetString());
            Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", body.GetProperty("schemas")[0].GetString());
            if (scimType is not null) Assert.Equal(scimType, body.GetProperty("scimType").GetString());
            Assert.DoesNotContain(_token, body.ToString());
            if (status == HttpStatusCode.Unauthorized) Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
        var all = await SendAsync(run, Request(HttpMethod.Get, "/Users"));
        Assert.Equal(1, all.Body.GetProperty("totalResults").GetInt32());
    }

    [Fact]
    public async Task Discovery_AndSearchesByPost_AnswerAsTheRfcSays()
    {
        await using var run = await RunningReconciler.StartAsync(_workspace, RunTests.ReadyTimeout);
        await SendAsync(run, Request(HttpMethod.Post, "/Users", """{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@contoso.com", "name": {"givenName": "Ada"}}"""));
        await SendAsync(run, Request(HttpMethod.Post, "/Groups", """{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Analysts"}"""));

        var config = (await SendAsync(run, Request(HttpMethod.Get, "/ServiceProviderConfig"))).Body;
        Assert.True(config.GetProperty("patch").GetProperty("supported").GetBoolean());
        Assert.False(config.GetProperty("sort").GetProperty("supported").GetBoolean());
        Assert.Equal(3, (await SendAsync(run, Request(HttpMethod.Get, "/Schemas"))).Body.GetProperty("totalResults").GetInt32());
        Assert.Equal(["Group", "User"], (await SendAsync(run, Request(HttpMethod.Get, "/ResourceTypes"))).Body.GetProperty("Resources")
            .EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order());
        const string Search = """{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName sw \"ADA\"", "attributes": ["userName"]}""";
        var users = (await SendAsync(run, Request(HttpMethod.Post, "/Users/.search", Search))).Body;
        Assert.Equal(1, users.GetProperty("totalResults").GetInt32());
        Assert.False(users.GetProperty("Resources")[0].TryGetProperty("name", out _), "only the attributes asked for (and id) are returned");
        Assert.Equal("ada@contoso.com", users.GetProperty("Resources")[0].GetProperty("userName").GetString());
        var everything = (await SendAsync(run, Request(HttpMethod.Post, "/.search", """{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}"""))).Body;
        Assert.Equal(2, everything.GetProperty("totalResults").GetInt32());
        var paged = (await SendAsync(run, Request(HttpMethod.Post, "/.search", """{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "startIndex": 2, "count": 1}"""))).Body;
        Assert.Equal("Analysts", paged.GetProperty("Resources")[0].GetProperty("displayName").GetString());
    }

    private static HttpRequestMessage InvalidUtf8(HttpRequestMessage request)
    {
        var bytes = Encoding.UTF8.GetBytes("""{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x""").Concat(new byte[] { 0xC3, 0x28, 0x22, 0x7D }).ToArray();
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/scim+json");
        return request;
    }

    [Fact]
    public async Task PushedUsers_SurviveARestartOfRun_AndANewTokenRevokesTheOldOne()
    {
        string id;
        await using (var run = await RunningReconciler.StartAsync(_workspace, RunTests.ReadyTimeout))
        {
            var created = await SendAsync(run, Request(HttpMethod.Post, "/Users", """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "grace@contoso.com",
                 "emails": [{"value": "grace@contoso.com", "type": "work"}]}
                """));
            id = created.Body.GetProperty("id").GetString()!;
            await SettledAsync(run, "grace@contoso.com", u => Expect.Str(u, "state") == "Active");
        }

        var renewed = await _workspace.Run("scim", "token", "create", Source, "--config", Workspace.ConfigDir, "--store", Workspace.StoreFile);
        Assert.Equal(0, renewed.ExitCode);
        await using var again = await RunningReconciler.StartAsync(_workspace, RunTests.ReadyTimeout);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(again, Request(HttpMethod.Get, $"/Users/{id}"))).Status);
        var fetched = await SendAsync(again, Request(HttpMethod.Get, $"/Users/{id}", token: renewed.Stdout.Trim()));
        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.Equal("grace@contoso.com", fetched.Body.GetProperty("userName").GetString());
    }
}
