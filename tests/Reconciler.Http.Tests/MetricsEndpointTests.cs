using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Http.Hosting;
using Reconciler.Http.Telemetry;
using Reconciler.Http.Tests.Support;

namespace Reconciler.Http.Tests;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_IsPrometheusTextFormat()
    {
        await using var host = await RunningHost.StartAsync();

        using var response = await host.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contentType = response.Content.Headers.ContentType;
        Assert.Equal("text/plain", contentType?.MediaType);
        Assert.Contains(contentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE reconciler_reconcile_duration_seconds histogram", text);
        Assert.Contains("# TYPE reconciler_reconciles_total counter", text);
        Assert.Contains("# TYPE reconciler_users gauge", text);
        Assert.Contains("# TYPE reconciler_reconcile_errors_total counter", text);
        Assert.Contains("# TYPE reconciler_work_queue_ready gauge", text);
        Assert.Contains("# TYPE reconciler_work_queue_waiting gauge", text);
        Assert.Contains("# TYPE reconciler_work_queue_requeues_total counter", text);
    }

    [Fact]
    public async Task UsersPerState_ShowsEveryStateWithZeroForAbsentOnes()
    {
        await using var host = await RunningHost.StartAsync();

        host.Metrics.SetUsersPerState(new Dictionary<UserState, int> { [UserState.Active] = 120, [UserState.Preserved] = 3 });

        var scrape = await host.ScrapeAsync();
        Assert.Equal(120, scrape.Value("reconciler_users", ("state", "active")));
        Assert.Equal(3, scrape.Value("reconciler_users", ("state", "preserved")));
        Assert.Equal(0, scrape.Value("reconciler_users", ("state", "disabled")));
    }

    [Fact]
    public async Task Reconciles_AreCountedByKindAndResultAndTimedPerKind()
    {
        await using var host = await RunningHost.StartAsync();

        host.Metrics.ObserveReconcile("DirectorySource", TimeSpan.FromMilliseconds(1500), "success");
        host.Metrics.ObserveReconcile("DirectorySource", TimeSpan.FromMilliseconds(500), "success");
        host.Metrics.ObserveReconcile("DirectorySource", TimeSpan.FromSeconds(40), "transient");
        host.Metrics.ObserveReconcile("DeploymentCampaign", TimeSpan.FromSeconds(3), "waiting");

        var scrape = await host.ScrapeAsync();
        Assert.Equal(2, scrape.Value("reconciler_reconciles_total", ("kind", "DirectorySource"), ("result", "success")));
        Assert.Equal(1, scrape.Value("reconciler_reconciles_total", ("kind", "DirectorySource"), ("result", "error")));
        Assert.Equal(0, scrape.Value("reconciler_reconciles_total", ("kind", "DeploymentCampaign"), ("result", "success")));
        Assert.Equal(1, scrape.Value("reconciler_reconciles_total", ("kind", "DeploymentCampaign"), ("result", "error")));
        Assert.Equal(3, scrape.Value("reconciler_reconcile_duration_seconds_count", ("kind", "DirectorySource")));
        Assert.Equal(42, scrape.Value("reconciler_reconcile_duration_seconds_sum", ("kind", "DirectorySource")), precision: 6);
        Assert.Equal(1, scrape.Value("reconciler_reconcile_duration_seconds_bucket", ("kind", "DirectorySource"), ("le", "1")));
        Assert.Equal(2, scrape.Value("reconciler_reconcile_duration_seconds_bucket", ("kind", "DirectorySource"), ("le", "2.5")));
        Assert.Equal(3, scrape.Value("reconciler_reconcile_duration_seconds_bucket", ("kind", "DirectorySource"), ("le", "+Inf")));
        Assert.Equal(1, scrape.Value("reconciler_reconcile_duration_seconds_count", ("kind", "DeploymentCampaign")));
    }

    [Fact]
    public async Task ReconcileErrors_AreCountedByClass_AndEveryClassShowsOnceAKindIsSeen()
    {
        await using var host = await RunningHost.StartAsync();

        host.Metrics.ObserveReconcile("ProvisioningMapping", TimeSpan.FromSeconds(1), "success");
        host.Metrics.ObserveReconcile("DirectorySource", TimeSpan.FromSeconds(1), "stalling");
        host.Metrics.ObserveReconcile("DirectorySource", TimeSpan.FromSeconds(1), "waiting");
        host.Metrics.ObserveReconcile("DirectorySource", TimeSpan.FromSeconds(1), "waiting");

        var scrape = await host.ScrapeAsync();
        foreach (var errorClass in new[] { "stalling", "waiting", "transient" })
        {
            Assert.Equal(0, scrape.Value("reconciler_reconcile_errors_total", ("kind", "ProvisioningMapping"), ("class", errorClass)));
        }

        Assert.Equal(0, scrape.Value("reconciler_reconciles_total", ("kind", "ProvisioningMapping"), ("result", "error")));
        Assert.Equal(1, scrape.Value("reconciler_reconcile_errors_total", ("kind", "DirectorySource"), ("class", "stalling")));
        Assert.Equal(2, scrape.Value("reconciler_reconcile_errors_total", ("kind", "DirectorySource"), ("class", "waiting")));
        Assert.Equal(0, scrape.Value("reconciler_reconcile_errors_total", ("kind", "DirectorySource"), ("class", "transient")));
        Assert.Equal(3, scrape.Value("reconciler_reconciles_total", ("kind", "DirectorySource"), ("result", "error")));
        Assert.Null(scrape.Find("reconciler_reconcile_errors_total", ("kind", "StorageQuotaPolicy"), ("class", "stalling")));
    }

    [Theory]
    [InlineData("error")]
    [InlineData("Success")]
    [InlineData("")]
    public void ObserveReconcile_WithAnUnknownOutcome_IsRejected(string outcome)
    {
        var metrics = new ReconcilerMetrics();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => metrics.ObserveReconcile("DirectorySource", TimeSpan.Zero, outcome));

        Assert.Equal("outcome", error.ParamName);
    }

    [Fact]
    public async Task Reconciles_OfTheWholeConfiguration_AreCountedUnderTheirOwnKind()
    {
        await using var host = await RunningHost.StartAsync();

        host.Metrics.ObserveReconcile(TimeSpan.FromMilliseconds(1500), success: true);
        host.Metrics.ObserveReconcile(TimeSpan.FromSeconds(40), success: false);

        var scrape = await host.ScrapeAsync();
        Assert.Equal(1, scrape.Value("reconciler_reconciles_total", ("kind", "Configuration"), ("result", "success")));
        Assert.Equal(1, scrape.Value("reconciler_reconciles_total", ("kind", "Configuration"), ("result", "error")));
        Assert.Equal(2, scrape.Value("reconciler_reconcile_duration_seconds_count", ("kind", "Configuration")));
        Assert.Equal(41.5, scrape.Value("reconciler_reconcile_duration_seconds_sum", ("kind", "Configuration")), precision: 6);
    }

    [Fact]
    public async Task WorkQueue_ShowsReadyAndWaitingResources_FromZero()
    {
        await using var host = await RunningHost.StartAsync();

        var before = await host.ScrapeAsync();
        host.Metrics.SetWorkQueue(ready: 3, waiting: 12);
        host.Metrics.SetWorkQueue(ready: 2, waiting: 40);

        var after = await host.ScrapeAsync();
        Assert.Equal(0, before.Value("reconciler_work_queue_ready"));
        Assert.Equal(0, before.Value("reconciler_work_queue_waiting"));
        Assert.Equal(2, after.Value("reconciler_work_queue_ready"));
        Assert.Equal(40, after.Value("reconciler_work_queue_waiting"));
    }

    [Fact]
    public async Task Requeues_AreCountedByReason_AndEveryReasonShowsFromTheStart()
    {
        await using var host = await RunningHost.StartAsync();

        host.Metrics.ObserveRequeue("interval");
        host.Metrics.ObserveRequeue("backoff");
        host.Metrics.ObserveRequeue("backoff");

        var scrape = await host.ScrapeAsync();
        Assert.Equal(1, scrape.Value("reconciler_work_queue_requeues_total", ("reason", "interval")));
        Assert.Equal(0, scrape.Value("reconciler_work_queue_requeues_total", ("reason", "retry")));
        Assert.Equal(2, scrape.Value("reconciler_work_queue_requeues_total", ("reason", "backoff")));
        Assert.Equal(0, scrape.Value("reconciler_work_queue_requeues_total", ("reason", "wake")));
    }

    [Fact]
    public void ObserveRequeue_WithAnUnknownReason_IsRejected()
    {
        var metrics = new ReconcilerMetrics();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => metrics.ObserveRequeue("/scim/v2/Users/alice"));

        Assert.Equal("reason", error.ParamName);
    }

    [Fact]
    public async Task SourceSync_KeepsLastSuccessfulSyncAndCountsErrors()
    {
        await using var host = await RunningHost.StartAsync();
        var synced = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        host.Metrics.ObserveSync("corp-ldap", synced, users: 4200, error: false);
        host.Metrics.ObserveSync("corp-ldap", synced.AddHours(1), users: 0, error: true);
        host.Metrics.ObserveSync("entra", synced, users: 7, error: false);

        var scrape = await host.ScrapeAsync();
        Assert.Equal(synced.ToUnixTimeSeconds(),
            scrape.Value("reconciler_source_last_sync_timestamp_seconds", ("source", "corp-ldap")));
        Assert.Equal(4200, scrape.Value("reconciler_source_users", ("source", "corp-ldap")));
        Assert.Equal(1, scrape.Value("reconciler_source_sync_errors_total", ("source", "corp-ldap")));
        Assert.Equal(7, scrape.Value("reconciler_source_users", ("source", "entra")));
        Assert.Equal(0, scrape.Value("reconciler_source_sync_errors_total", ("source", "entra")));
    }

    [Fact]
    public async Task RemovedSource_DisappearsFromMetrics()
    {
        await using var host = await RunningHost.StartAsync();
        host.Metrics.ObserveSync("old-csv", DateTimeOffset.UnixEpoch, users: 5, error: false);

        host.Metrics.RemoveSource("old-csv");

        var scrape = await host.ScrapeAsync();
        Assert.Null(scrape.Find("reconciler_source_users", ("source", "old-csv")));
        Assert.Null(scrape.Find("reconciler_source_sync_errors_total", ("source", "old-csv")));
    }

    [Fact]
    public async Task PlanChanges_ShowTheLastPlanPerAction()
    {
        await using var host = await RunningHost.StartAsync();

        host.Metrics.SetPlanChanges(9, 9, 9, 9, 9, 9);
        host.Metrics.SetPlanChanges(new PlanSummary(Create: 3, Update: 1, Preserve: 2, Disable: 0, Restore: 4, Conflict: 1, Blocked: 7));

        var scrape = await host.ScrapeAsync();
        Assert.Equal(3, scrape.Value("reconciler_plan_changes", ("action", "create")));
        Assert.Equal(1, scrape.Value("reconciler_plan_changes", ("action", "update")));
        Assert.Equal(2, scrape.Value("reconciler_plan_changes", ("action", "preserve")));
        Assert.Equal(0, scrape.Value("reconciler_plan_changes", ("action", "disable")));
        Assert.Equal(4, scrape.Value("reconciler_plan_changes", ("action", "restore")));
        Assert.Equal(1, scrape.Value("reconciler_plan_changes", ("action", "conflict")));
        Assert.Equal(7, scrape.Value("reconciler_plan_changes", ("action", "blocked")));
    }

    [Fact]
    public async Task HttpRequests_AreCountedByMethodRouteAndCode()
    {
        await using var host = await RunningHost.StartAsync();

        (await host.Client.GetAsync("/healthz")).Dispose();
        (await host.Client.GetAsync("/healthz")).Dispose();
        (await host.Client.GetAsync("/readyz")).Dispose();
        (await host.Client.GetAsync("/nope")).Dispose();

        var scrape = await host.ScrapeAsync();
        Assert.Equal(2, scrape.Value("reconciler_http_requests_total", ("method", "GET"), ("route", "/healthz"), ("code", "200")));
        Assert.Equal(1, scrape.Value("reconciler_http_requests_total", ("method", "GET"), ("route", "/readyz"), ("code", "503")));
        Assert.Equal(1, scrape.Value("reconciler_http_requests_total", ("method", "GET"), ("route", "unmatched"), ("code", "404")));
    }

    [Fact]
    public async Task HttpRequests_OfAddedEndpointGroups_AreLabelledByRoutePatternNotPath()
    {
        var options = new ReconcilerHttpOptions
        {
            EndpointGroups = [routes => routes.MapGroup("/scim/v2").MapGet("/Users/{id}", (string id) => TypedResults.Text(id))],
        };
        await using var host = await RunningHost.StartAsync(options);

        using (var response = await host.Client.GetAsync("/scim/v2/Users/alice"))
        {
            Assert.Equal("alice", await response.Content.ReadAsStringAsync());
        }
        (await host.Client.GetAsync("/scim/v2/Users/bob")).Dispose();

        var scrape = await host.ScrapeAsync();
        Assert.Equal(2, scrape.Value("reconciler_http_requests_total",
            ("method", "GET"), ("route", "/scim/v2/Users/{id}"), ("code", "200")));
        Assert.DoesNotContain("alice", scrape.Text);
    }

    [Fact]
    public async Task HttpRequests_WithAWrongMethodOnAKnownRoute_AreCountedUnderThatRoute()
    {
        var options = new ReconcilerHttpOptions
        {
            EndpointGroups = [routes =>
            {
                var scim = routes.MapGroup("/scim/v2");
                scim.MapGet("/Users/{id}", (string id) => TypedResults.Text(id));
                scim.MapPost("/Users/.search", () => TypedResults.Text("[]"));
            }],
        };
        await using var host = await RunningHost.StartAsync(options);

        (await host.Client.PostAsync("/healthz", new StringContent("x"))).Dispose();
        (await host.Client.DeleteAsync("/scim/v2/Users/alice")).Dispose();
        (await host.Client.PutAsync("/scim/v2/Users/.search", new StringContent("x"))).Dispose();
        (await host.Client.PostAsync("/no/such/route", new StringContent("x"))).Dispose();

        var scrape = await host.ScrapeAsync();
        Assert.Equal(1, scrape.Value("reconciler_http_requests_total", ("method", "POST"), ("route", "/healthz"), ("code", "405")));
        Assert.Equal(1, scrape.Value("reconciler_http_requests_total",
            ("method", "DELETE"), ("route", "/scim/v2/Users/{id}"), ("code", "405")));
        // Both patterns match that path; the literal one is what routing prefers, so it is the one named.
        Assert.Equal(1, scrape.Value("reconciler_http_requests_total",
            ("method", "PUT"), ("route", "/scim/v2/Users/.search"), ("code", "405")));
        Assert.Equal(1, scrape.Value("reconciler_http_requests_total", ("method", "POST"), ("route", "unmatched"), ("code", "404")));
        Assert.DoesNotContain("alice", scrape.Text);
        Assert.DoesNotContain("/no/such/route", scrape.Text);
    }

    [Fact]
    public async Task Metrics_OfTwoHostsInOneProcessAreSeparate()
    {
        await using var first = await RunningHost.StartAsync();
        await using var second = await RunningHost.StartAsync();

        first.Metrics.SetUsersPerState(new Dictionary<UserState, int> { [UserState.Disabled] = 8 });

        var scrape = await second.ScrapeAsync();
        Assert.Equal(0, scrape.Value("reconciler_users", ("state", "disabled")));
    }
}
