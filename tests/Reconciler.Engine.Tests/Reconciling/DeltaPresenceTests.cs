using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Reconciler.Connectors.Secrets;
using Reconciler.Connectors;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Text;
using Reconciler.Engine.Reconciling;
using Reconciler.Engine.Tests.Hosting;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;
using static Reconciler.Engine.Tests.Reconciling.ListedDirectory;

namespace Reconciler.Engine.Tests.Reconciling;

/// <summary>A delta that names every user it still has (PresentEntry) lets the engine find deletions nobody announced.</summary>
public sealed class DeltaPresenceTests : IDisposable
{
    private readonly TempFolder _folder = new("presence");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task StoredUsersADeltaNeitherYieldsNorNames_AreGone_OnlyWhenItListsEveryIdAndIsComplete()
    {
        await using var store = await SqliteStore.OpenAsync(_folder.File("state.db"), readOnly: false, default);
        var clock = new FakeTimeProvider(EngineWorld.T0);
        var desired = StoreWriteTests.World();
        var directory = new ListedDirectory();
        var reader = new SourceReader([directory], new LocalSecretResolver(), clock);

        directory.Entries = [User("a", "a@x.test"), User("b", "b@x.test"), User("c", "c@x.test"), new ReadEnd(ReadMode.Full, "c1")];
        var first = await reader.ReadAsync(desired.Sources[0], "/", store, null, default);
        using (first.Changes)
        {
            Assert.True((await new Reconciliation(clock, NullLogger<Reconciliation>.Instance).RunAsync(store, desired, [first], new ReconcileOptions(), default)).Committed);
        }

        // a changed, b named as present, c neither: gone
        directory.Entries = [User("a", "a2@x.test"), new PresentEntry("b"), new ReadEnd(ReadMode.Delta, "c2", EveryIdListed: true)];
        var listed = await reader.ReadAsync(desired.Sources[0], "/", store, null, default);
        // the same, but the connector does not claim to have named everyone: nobody is gone
        directory.Entries = [User("a", "a2@x.test"), new PresentEntry("b"), new ReadEnd(ReadMode.Delta, "c2")];
        var unlisted = await reader.ReadAsync(desired.Sources[0], "/", store, null, default);
        // named everyone, but skipped an entry: not known to be gone
        directory.Entries = [User("a", "a2@x.test"), new PresentEntry("b"), new ProblemEntry("entry x: skipped"), new ReadEnd(ReadMode.Delta, null, EveryIdListed: true)];
        var incomplete = await reader.ReadAsync(desired.Sources[0], "/", store, null, default);

        Assert.Equal(["c"], listed.Deleted);
        Assert.Equal(["a"], listed.Changes.InOrder.Select(e => e.Id));
        Assert.Equal(ReadMode.Delta, listed.Mode);
        Assert.Equal(2, listed.ImportedUsers);
        Assert.Empty(unlisted.Deleted);
        Assert.Empty(incomplete.Deleted);
        foreach (var read in new[] { listed, unlisted, incomplete }) read.Changes.Dispose();
    }

    [Fact]
    public async Task AFullReadIsAskedFor_OnceFullSyncIntervalHasPassedSinceTheLast()
    {
        await using var store = await SqliteStore.OpenAsync(_folder.File("state.db"), readOnly: false, default);
        var clock = new FakeTimeProvider(EngineWorld.T0);
        var world = StoreWriteTests.World();
        var hourly = world with { Sources = [world.Sources[0] with { Spec = world.Sources[0].Spec with { FullSyncInterval = "1h" } }] };
        var directory = new ListedDirectory { Entries = [User("a", "a@x.test"), new ReadEnd(ReadMode.Full, "c1")] };
        var reader = new SourceReader([directory], new LocalSecretResolver(), clock);
        var first = await reader.ReadAsync(hourly.Sources[0], "/", store, null, default);
        using (first.Changes)
        {
            await new Reconciliation(clock, NullLogger<Reconciliation>.Instance).RunAsync(store, hourly, [first], new ReconcileOptions(), default);
        }
        directory.Entries = [new ReadEnd(ReadMode.Delta, "c1")];

        clock.Advance(TimeSpan.FromMinutes(59));
        (await reader.ReadAsync(hourly.Sources[0], "/", store, null, default)).Changes.Dispose();
        clock.Advance(TimeSpan.FromMinutes(2));
        (await reader.ReadAsync(hourly.Sources[0], "/", store, null, default)).Changes.Dispose();
        (await reader.ReadAsync(world.Sources[0], "/", store, null, default)).Changes.Dispose();

        // within the hour: the cursor; past it: none (a full read); with the default 24h: the cursor again
        Assert.Equal([null, "c1", null, "c1"], directory.Cursors);
    }

    /// <summary>
    /// A delta that changed nothing (the same export again, a directory with no news) never walks the stored users'
    /// fingerprints: over a million users that walk was most of a no-op pass. One that does change a user, or names
    /// every id it has, needs them and loads them once.
    /// </summary>
    [Fact]
    public async Task ADeltaThatChangedNothing_NeverLoadsTheStoredFingerprints()
    {
        await using var real = await SqliteStore.OpenAsync(_folder.File("state.db"), readOnly: false, default);
        var store = new CountingStore(real);
        var clock = new FakeTimeProvider(EngineWorld.T0);
        var desired = StoreWriteTests.World();
        var directory = new ListedDirectory { Entries = [User("a", "a@x.test"), User("b", "b@x.test"), new ReadEnd(ReadMode.Full, "c1")] };
        var reader = new SourceReader([directory], new LocalSecretResolver(), clock);
        var first = await reader.ReadAsync(desired.Sources[0], "/", store, null, default);
        using (first.Changes)
        {
            Assert.True((await new Reconciliation(clock, NullLogger<Reconciliation>.Instance).RunAsync(store, desired, [first], new ReconcileOptions(), default)).Committed);
        }

        directory.Entries = [new ReadEnd(ReadMode.Delta, "c2")];
        var before = store.FingerprintWalks;
        (await reader.ReadAsync(desired.Sources[0], "/", store, null, default)).Changes.Dispose();
        Assert.Equal(0, store.FingerprintWalks - before);

        directory.Entries = [User("a", "a2@x.test"), new PresentEntry("b"), new ReadEnd(ReadMode.Delta, "c3", EveryIdListed: true)];
        before = store.FingerprintWalks;
        var changed = await reader.ReadAsync(desired.Sources[0], "/", store, null, default);
        using (changed.Changes)
        {
            Assert.Equal(1, store.FingerprintWalks - before);
            Assert.Equal(["a"], changed.Changes.InOrder.Select(e => e.Id));
        }
    }

    /// <summary>The real store, counting how often a read session walks a source's stored fingerprints.</summary>
    private sealed class CountingStore(IReconcilerStore inner) : DelegatingStore(inner)
    {
        public int FingerprintWalks;

        public override async Task<IStoreSession> OpenReadAsync(CancellationToken cancellationToken) =>
            new CountingSession(await base.OpenReadAsync(cancellationToken), this);

        private sealed class CountingSession(IStoreSession inner, CountingStore counts) : DelegatingSession(inner)
        {
            public override IEnumerable<(string Id, ulong Fingerprint)> Fingerprints(string source)
            {
                counts.FingerprintWalks++;
                return base.Fingerprints(source);
            }

            public override IEnumerable<(Key128 IdKey, ulong Fingerprint)> FingerprintsByKey(string source)
            {
                counts.FingerprintWalks++;
                return base.FingerprintsByKey(source);
            }
        }
    }
}
