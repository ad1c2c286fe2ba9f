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

    [Fact]
    public async Task APlanMadeBeforeTheLock_ProvisionsWhatALockedPlanWould()
    {
        await PushAsync(Enumerable.Range(1, 5));

        var outcome = await ReconcileAsync(writtenPerPass: 256, beforeLock: true);

        Assert.Equal((5, 0), (outcome.Written, outcome.WrittenLeft));
        Assert.Equal(5, (await _store.CountUsersAsync(default))[UserState.Active]);
        await using var session = await _store.OpenReadAsync(default);
        Assert.Empty(session.Pending("scim"));
        Assert.Equal(5, session.Source("scim")!.ImportedUsers);
    }

    [Fact]
    public async Task PushesBetweenThePlanAndTheLock_AreNotLost_AndTheirUsersAreCounted()
    {
        await PushAsync([1, 2]);
        // Between the view the plan is made on and the lock: a new user, and user 2 pushed again with a new title.
        var store = new PushingStore(_store, () => PushAsync([3]));

        var first = await ReconcileAsync(writtenPerPass: 256, beforeLock: true, store);
        var afterFirst = (await _store.ListUsersAsync(new UserQuery(), default).ToListAsync()).Select(u => u.ExternalId).Order().ToList();
        var second = await ReconcileAsync(writtenPerPass: 256, beforeLock: true);

        Assert.Equal(2, first.Written);
        Assert.Equal(["u-01", "u-02"], afterFirst);
        Assert.Equal(1, second.Written);
        Assert.Equal(3, (await _store.CountUsersAsync(default))[UserState.Active]);
        await using var session = await _store.OpenReadAsync(default);
        Assert.Empty(session.Pending("scim"));
        Assert.Equal(3, session.Source("scim")!.ImportedUsers);
    }

    [Fact]
    public async Task AUserPushedAgainBetweenThePlanAndTheLock_IsPlannedAgainUnderTheLock_WithWhatWasPushedLast()
    {
        await PushAsync([1, 2]);
        var store = new PushingStore(_store, () => PushAsync([2], title: "CTO"));

        var outcome = await ReconcileAsync(writtenPerPass: 256, beforeLock: true, store);

        Assert.Equal(2, outcome.Written);
        var user2 = await _store.ListUsersAsync(new UserQuery(), default).SingleAsync(u => u.ExternalId == "u-02");
        Assert.Equal("CTO", user2.Details.Title);
        await using var session = await _store.OpenReadAsync(default);
        Assert.Empty(session.Pending("scim"));
    }

    /// <summary>What a SCIM create of user <paramref name="i"/> of <paramref name="source"/> stores (its id is u-NN).</summary>
    internal static ScimWrite Create(string source, int i, string title = "")
    {
        var id = $"u-{i:D2}";
        var user = new ImportedUser { Id = id, Details = new UserDetails { UserName = $"user{i}", Email = $"user{i}@example.com", Title = title } };
        return new ScimWrite(source, ScimKind.User, id, null, new ScimResourceBody(user.UserName, null, $$"""{"id":"{{id}}"}""", []),
            EngineWorld.T0, [ImportedRow.Of(user)], []);
    }

    private async Task PushAsync(IEnumerable<int> users, string title = "")
    {
        var writes = users.Select(i => Create("scim", i, title)).ToList();
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

    private async Task<ReconcileOutcome> ReconcileAsync(int? writtenPerPass, bool beforeLock = false, IReconcilerStore? store = null)
    {
        var desired = StoreWriteTests.World("scim", DirectorySourceType.Scim);
        var reader = new SourceReader([new ScimPushConnector()], new LocalSecretResolver(), _clock);
        var read = await reader.ReadAsync(desired.Sources[0], "/", _store, null, default);
        using (read.Changes)
        {
            var options = new ReconcileOptions { WrittenPerPass = writtenPerPass, PlanBeforeLock = beforeLock };
            return await new Reconciliation(_clock, NullLogger<Reconciliation>.Instance).RunAsync(store ?? _store, desired, [read], options, default);
        }
    }

    /// <summary>The real store, which runs a push just before the first write session takes the lock.</summary>
    private sealed class PushingStore(IReconcilerStore inner, Func<Task> push) : DelegatingStore(inner)
    {
        private Func<Task>? _push = push;

        public override async Task<IStoreWriteSession> OpenWriteAsync(CancellationToken cancellationToken)
        {
            if (_push is { } once)
            {
                _push = null;
                await once();
            }
            return await base.OpenWriteAsync(cancellationToken);
        }
    }
}
