using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Reconciler.Connectors.Scim;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Engine.Reconciling;
using Reconciler.Engine.Tests.Hosting;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Engine.Tests.Reconciling;

/// <summary>
/// A push source's users are planned from the marks its writes leave. A bounded pass plans some of them and leaves
/// the others marked, saying how many; passes that follow it plan the rest, so nobody pushed is left unprovisioned.
/// </summary>
public sealed class PushBacklogTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("push");
    private readonly FakeTimeProvider _clock = new(EngineWorld.T0);
    private SqliteStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(_folder.File("state.db"), readOnly: false, default);
        // `run` reconciles a source once at start-up, before anything is pushed: that whole plan of nobody settles it.
        await ReconcileAsync(writtenPerPass: null);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task ABoundedPass_PlansThatManyPushedUsers_AndThePassesAfterItPlanTheRest()
    {
        await PushAsync(Enumerable.Range(1, 10));

        var first = await ReconcileAsync(writtenPerPass: 4);
        await PushAsync([11]);
        var second = await ReconcileAsync(writtenPerPass: 4);
        var third = await ReconcileAsync(writtenPerPass: 4);

        Assert.Equal((4, 6), (first.Written, first.WrittenLeft));
        Assert.Equal((4, 3), (second.Written, second.WrittenLeft));
        Assert.Equal((3, 0), (third.Written, third.WrittenLeft));
        Assert.Equal(11, (await _store.CountUsersAsync(default))[UserState.Active]);
        await using var session = await _store.OpenReadAsync(default);
        Assert.Empty(session.Pending("scim"));
    }

    [Fact]
    public async Task AnUnboundedPass_PlansEveryPushedUser()
    {
        await PushAsync(Enumerable.Range(1, 10));

        var outcome = await ReconcileAsync(writtenPerPass: null);

        Assert.Equal((10, 0), (outcome.Written, outcome.WrittenLeft));
        Assert.Equal(10, (await _store.CountUsersAsync(default))[UserState.Active]);
    }

    [Fact]
    public async Task AUserPushedAgainBeforeItsPass_IsPlannedWithWhatWasPushedLast()
    {
        await PushAsync([1, 2, 3]);
        await ReconcileAsync(writtenPerPass: 2);
        await PushAsync([3], title: "CTO");

        var outcome = await ReconcileAsync(writtenPerPass: 2);

        Assert.Equal((1, 0), (outcome.Written, outcome.WrittenLeft));
        var user3 = await _store.ListUsersAsync(new UserQuery(), default).SingleAsync(u => u.ExternalId == "u-03");
        Assert.Equal("CTO", user3.Details.Title);
    }

    private async Task PushAsync(IEnumerable<int> users, string title = "")
    {
        var writes = users.Select(i =>
        {
            var id = $"u-{i:D2}";
            var user = new ImportedUser { Id = id, Details = new UserDetails { UserName = $"user{i}", Email = $"user{i}@example.com", Title = title } };
            return new ScimWrite("scim", ScimKind.User, id, null, new ScimResourceBody(user.UserName, null, $$"""{"id":"{{id}}"}""", []),
                EngineWorld.T0, [ImportedRow.Of(user)], []);
        }).ToList();
        // A user pushed again replaces its resource at the version it has.
        var results = await _store.WriteResourcesAsync(await Versioned(writes), default);
        Assert.All(results, r => Assert.Null(r.Refused));
    }

    private async Task<List<ScimWrite>> Versioned(List<ScimWrite> writes)
    {
        var versioned = new List<ScimWrite>();
        foreach (var write in writes)
        {
            var stored = await _store.GetResourceAsync("scim", ScimKind.User, write.Id, default);
            versioned.Add(stored is null ? write : write with { ExpectedVersion = stored.Version });
        }
        return versioned;
    }

    private async Task<ReconcileOutcome> ReconcileAsync(int? writtenPerPass)
    {
        var desired = World();
        var reader = new SourceReader([new ScimPushConnector()], new LocalSecretResolver(), _clock);
        var read = await reader.ReadAsync(desired.Sources[0], "/", _store, null, default);
        using (read.Changes)
        {
            var options = new ReconcileOptions { WrittenPerPass = writtenPerPass };
            return await new Reconciliation(_clock, NullLogger<Reconciliation>.Instance).RunAsync(_store, desired, [read], options, default);
        }
    }

    private static DesiredState World() => new()
    {
        Sources =
        [
            new DirectorySource
            {
                Metadata = new ResourceMetadata { Name = "scim", Generation = 1 },
                Spec = new DirectorySourceSpec { Type = DirectorySourceType.Scim },
            },
        ],
        Mappings =
        [
            new ProvisioningMapping
            {
                Metadata = new ResourceMetadata { Name = "everyone", Generation = 1 },
                Spec = new ProvisioningMappingSpec
                {
                    SourceRef = new ResourceRef { Name = "scim" }, Priority = 1, Filter = new UserFilter(),
                    Profile = "standard", StorageRegion = "us-east", Quota = "10Gi",
                },
            },
        ],
        Revision = "r1",
        Location = "push",
    };
}
