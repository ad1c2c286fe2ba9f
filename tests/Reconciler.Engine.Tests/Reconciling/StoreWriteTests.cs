using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Engine.Reconciling;
using Reconciler.Engine.Tests.Hosting;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Engine.Tests.Reconciling;

/// <summary>
/// A reconcile's registry writes run on a thread of their own behind the planner. Whatever happens to them there
/// comes back to the reconcile: a compare-and-swap that lost makes it plan again and commit once, any other failure
/// fails it with nothing committed.
/// </summary>
public sealed class StoreWriteTests : IDisposable
{
    /// <summary>Several of the sink's batches, so the failure happens on the writing thread mid-plan.</summary>
    private const int Users = 6_000;

    private readonly TempFolder _folder = new("writes");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AWriteThatLostItsCompareAndSwap_IsPlannedAgain_AndEveryUserIsCreatedOnce()
    {
        await using var sqlite = await SqliteStore.OpenAsync(_folder.File("state.db"), readOnly: false, default);
        var store = new FailingStore(sqlite, failAt: 4_500, failingSessions: 1, () => new StoreConflictException("user hr/u4500 was provisioned by another writer meanwhile"));

        var outcome = await Reconcile(store);

        Assert.True(outcome.Committed);
        Assert.Equal(2, store.WriteSessions);
        Assert.Equal(Users, outcome.Written);
        Assert.Equal(Users, (await sqlite.CountUsersAsync(default))[UserState.Active]);
        var audit = await sqlite.ReadAuditAsync(new AuditQuery(Users * 2), default).ToListAsync();
        Assert.Equal(Users, audit.Count);
        Assert.Equal(Users, audit.Select(a => a.ExternalId).Distinct().Count());
        // The first attempt wrote imported entries with its registry rows and was rolled back: the second writes them again.
        await using var session = await sqlite.OpenReadAsync(default);
        Assert.All(Enumerable.Range(0, Users), i => Assert.NotNull(session.Find("hr", $"u{i:D4}")?.Imported));
    }

    [Fact]
    public async Task AWriteThatFails_FailsTheReconcile_WithNothingCommitted()
    {
        await using var sqlite = await SqliteStore.OpenAsync(_folder.File("state.db"), readOnly: false, default);
        var store = new FailingStore(sqlite, failAt: 3_000, failingSessions: int.MaxValue, () => new StoreException("the disk is full"));

        var error = await Assert.ThrowsAsync<StoreException>(() => Reconcile(store));

        Assert.Equal("the disk is full", error.Message);
        Assert.Equal(0, (await sqlite.CountUsersAsync(default)).Values.Sum());
        Assert.Empty(await sqlite.ReadAuditAsync(new AuditQuery(10), default).ToListAsync());
        await using var session = await sqlite.OpenReadAsync(default);
        Assert.Null(session.Source("hr"));
    }

    private static async Task<ReconcileOutcome> Reconcile(IReconcilerStore store)
    {
        var clock = new FakeTimeProvider(EngineWorld.T0);
        var directory = new ScriptedDirectory();
        directory.Set("hr", new Script.Users([.. Enumerable.Range(0, Users).Select(i => $"u{i:D4}")]));
        var reader = new SourceReader([directory], new LocalSecretResolver(), clock);
        var desired = World();
        var read = await reader.ReadAsync(desired.Sources[0], "/", store, null, default);
        using (read.Changes)
        {
            return await new Reconciliation(clock, NullLogger<Reconciliation>.Instance).RunAsync(store, desired, [read], new ReconcileOptions(), default);
        }
    }

    /// <summary>One source with one mapping for everyone in it.</summary>
    internal static DesiredState World(string source = "hr", DirectorySourceType type = DirectorySourceType.Ldap) => new()
    {
        Sources =
        [
            new DirectorySource
            {
                Metadata = new ResourceMetadata { Name = source, Generation = 1 },
                Spec = new DirectorySourceSpec { Type = type },
            },
        ],
        Mappings =
        [
            new ProvisioningMapping
            {
                Metadata = new ResourceMetadata { Name = "everyone", Generation = 1 },
                Spec = new ProvisioningMappingSpec
                {
                    SourceRef = new ResourceRef { Name = source }, Priority = 1, Filter = new UserFilter(),
                    Profile = "standard", StorageRegion = "us-east", Quota = "10Gi",
                },
            },
        ],
        Revision = "r1",
        Location = "writes",
    };

    /// <summary>The real store, whose first write sessions fail at one of their registry writes.</summary>
    private sealed class FailingStore(IReconcilerStore inner, int failAt, int failingSessions, Func<Exception> failure) : DelegatingStore(inner)
    {
        public int WriteSessions { get; private set; }

        public override async Task<IStoreWriteSession> OpenWriteAsync(CancellationToken cancellationToken)
        {
            var session = await base.OpenWriteAsync(cancellationToken);
            return ++WriteSessions <= failingSessions ? new FailingSession(session, failAt, failure) : session;
        }
    }

    private sealed class FailingSession(IStoreWriteSession inner, int failAt, Func<Exception> failure) : DelegatingSession(inner), IStoreWriteSession
    {
        private int _applied;

        public void PutImported(string source, ImportedRow row) => inner.PutImported(source, row);

        public void RemoveImported(string source, string id) => inner.RemoveImported(source, id);

        public void Apply(PlanAction change, ImportedRow? imported, ApplyContext context)
        {
            if (++_applied == failAt) throw failure();
            inner.Apply(change, imported, context);
        }

        public void SaveSource(SourceRecord record, bool snapshotChanged) => inner.SaveSource(record, snapshotChanged);

        public void RecountSource(string source) => inner.RecountSource(source);

        public void ReplacePending(string source, IReadOnlyList<PendingEntry> entries, IReadOnlyCollection<string>? plannedWritten) =>
            inner.ReplacePending(source, entries, plannedWritten);

        public void SaveStatuses(IReadOnlyList<StoredStatus> statuses) => inner.SaveStatuses(statuses);

        public Task CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);
    }
}
