using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Reconciler.Connectors;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Engine.Reconciling;
using Reconciler.Engine.Tests.Hosting;
using Reconciler.Store.Sqlite;
using static Reconciler.Engine.Tests.Reconciling.ListedDirectory;

namespace Reconciler.Engine.Tests.Reconciling;

/// <summary>How much of a source a reconcile plans: every user, or only the ones that changed.</summary>
public sealed class PlanScopeTests : IDisposable
{
    private readonly TempFolder _folder = new("scope");

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// A source whose export was empty until now gets its users the way a first import does (streamed and planned
    /// whole, not looked up in the store one by one: over 200,000 users that took a second longer and 170 MB more);
    /// once the store holds more of its users than a read changed, only the changed ones are planned.
    /// </summary>
    [Fact]
    public async Task ASourceThatWasEmpty_PlansItsFirstUsersWhole_ThenOnlyWhatChanged()
    {
        await using var store = await SqliteStore.OpenAsync(_folder.File("state.db"), readOnly: false, default);
        var clock = new FakeTimeProvider(EngineWorld.T0);
        var desired = StoreWriteTests.World();
        var directory = new ListedDirectory();
        var reader = new SourceReader([directory], new LocalSecretResolver(), clock);
        var reconciliation = new Reconciliation(clock, NullLogger<Reconciliation>.Instance);

        async Task<ReconcileOutcome> Pass(params DirectoryEntry[] entries)
        {
            directory.Entries = entries;
            clock.Advance(TimeSpan.FromMinutes(5));
            var read = await reader.ReadAsync(desired.Sources[0], "/", store, null, default);
            using (read.Changes)
            {
                var outcome = await reconciliation.RunAsync(store, desired, [read], new ReconcileOptions(), default);
                Assert.True(outcome.Committed);
                return outcome;
            }
        }

        await Pass(new ReadEnd(ReadMode.Full, null));

        var first = await Pass(User("a", "a@x.test"), User("b", "b@x.test"), User("c", "c@x.test"), new ReadEnd(ReadMode.Full, null));
        Assert.Equal(PlanScope.Whole, first.Scopes["hr"]);
        Assert.Equal(3, first.Plan.Summary.Create);

        var next = await Pass(User("a", "a2@x.test"), User("b", "b@x.test"), User("c", "c@x.test"), new ReadEnd(ReadMode.Full, null));
        Assert.Equal(PlanScope.Incremental, next.Scopes["hr"]);
        Assert.Equal(1, next.Plan.Summary.Update);
        Assert.Equal(3, next.Users.Active);
    }
}
