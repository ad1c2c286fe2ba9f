using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Reconciler.Connectors;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Engine.Hosting;
using Reconciler.Engine.Queue;
using Reconciler.Engine.Reconciling;
using Reconciler.Engine.Telemetry;
using Reconciler.Sources;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Engine.Tests.Hosting;

/// <summary>
/// The engine service on a fake clock, a real SQLite store in a temp folder, and directories that are scripted
/// per source: they answer with users, fail with a class, or hang until released.
/// </summary>
internal sealed class EngineWorld : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _folder = new("tests");
    private readonly ScriptedDesiredState _desired = new();
    private ReconcilerService? _service;

    public FakeTimeProvider Clock { get; } = new(T0);

    public ScriptedDirectory Directory { get; } = new();

    public CountingMetrics Metrics { get; } = new();

    public SqliteStore Store { get; private set; } = null!;

    public ReconcilerService Service => _service ?? throw new InvalidOperationException("not started");

    public List<DirectorySource> Sources { get; } = [];

    public List<ProvisioningMapping> Mappings { get; } = [];

    public EngineWorld Source(string name, string syncInterval = "1m", DirectorySourceType type = DirectorySourceType.Ldap)
    {
        Sources.Add(new DirectorySource
        {
            Metadata = new ResourceMetadata { Name = name, Generation = 1 },
            Spec = new DirectorySourceSpec { Type = type, SyncInterval = syncInterval, DeletionGuard = new DeletionGuard { MaxDeletePercent = 100 } },
        });
        Mappings.Add(new ProvisioningMapping
        {
            Metadata = new ResourceMetadata { Name = name + "-all", Generation = 1 },
            Spec = new ProvisioningMappingSpec { SourceRef = new ResourceRef { Name = name }, Priority = 1, Profile = "standard", StorageRegion = "us-east" },
        });
        return this;
    }

    public DesiredState Desired => new() { Sources = Sources.ToList(), Mappings = Mappings.ToList(), Revision = "r1", Location = "test" };

    /// <summary>How long a read may yield nothing before it is abandoned; long unless a test is about it.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Where the engine's own log goes; nowhere unless a test is about it.</summary>
    public Microsoft.Extensions.Logging.ILogger<ReconcilerService> Logger { get; init; } = NullLogger<ReconcilerService>.Instance;

    public async Task StartAsync(int workers = 2)
    {
        Store = await SqliteStore.OpenAsync(_folder.File("state.db"), readOnly: false, CancellationToken.None);
        _desired.Set(new DesiredSnapshot { Valid = Desired });
        var reader = new SourceReader([Directory, new Connectors.Scim.ScimPushConnector()], new LocalSecretResolver(), Clock, ReadTimeout);
        var reconciliation = new Reconciliation(Clock, NullLogger<Reconciliation>.Instance);
        var sources = new SourceKeyReconciler(reader, reconciliation, Store, Clock, NullLogger<SourceKeyReconciler>.Instance);
        var options = new EngineOptions
        {
            Workers = workers,
            StopTimeout = TimeSpan.FromSeconds(1),
            Queue = new WorkQueueOptions { BackoffJitter = 0, CoalescingWindow = TimeSpan.FromSeconds(1) },
        };
        _service = new ReconcilerService(_desired, sources, Store, Metrics, Clock, Logger, options);
        await _service.StartAsync(CancellationToken.None);
        await _service.Loaded.WaitAsync(TimeSpan.FromSeconds(30));
        await Settle();
    }

    /// <summary>Publishes a new desired state, wakes the engine as a file change would, and waits until it loaded it.</summary>
    public async Task ChangeAsync(Func<DesiredState, DesiredState> edit)
    {
        var loads = Service.Loads;
        _desired.Set(new DesiredSnapshot { Valid = edit(Desired) });
        _desired.Wake();
        await Eventually(() => Service.Loads > loads, "the engine loaded the change");
    }

    /// <summary>Moves the fake clock in steps, giving the workers real time to react after each.</summary>
    public async Task AdvanceAsync(TimeSpan by, TimeSpan? step = null)
    {
        var stride = step ?? TimeSpan.FromSeconds(1);
        for (var moved = TimeSpan.Zero; moved < by; moved += stride)
        {
            Clock.Advance(stride);
            await Settle();
        }
    }

    /// <summary>Waits (in real time) until every read that started, but the hanging ones, has finished its reconcile.</summary>
    public async Task Settle()
    {
        // The fake clock fires due keys inside Advance, so they are ready (or handed out) by now; wait until every
        // key is done, but for the ones stuck in a hanging read.
        for (var i = 0; i < 5000; i++)
        {
            if (_service is null || Service.Busy <= Directory.Hanging) return;
            await Task.Delay(1);
        }
    }

    public static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (condition()) return;
            await Task.Delay(10);
        }
        Assert.Fail($"timed out waiting until {what}");
    }

    public async ValueTask DisposeAsync()
    {
        Directory.ReleaseAll();
        if (_service is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _service.StopAsync(stop.Token);
            _service.Dispose();
        }
        if (Store is not null) await Store.DisposeAsync();
        _desired.Dispose();
        try
        {
            _folder.Dispose();
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Desired state held in memory, with a wake-up a test triggers.</summary>
internal sealed class ScriptedDesiredState : IDesiredStateSource
{
    private readonly Channel<int> _changes = Channel.CreateUnbounded<int>();
    private DesiredSnapshot _snapshot = new() { Valid = new DesiredState() };

    public string Location => "test";

    public void Set(DesiredSnapshot snapshot) => Volatile.Write(ref _snapshot, snapshot);

    public void Wake() => _changes.Writer.TryWrite(0);

    public Task<DesiredSnapshot> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Volatile.Read(ref _snapshot));

    public async Task<IReadOnlyCollection<string>> WaitForChangeAsync(CancellationToken cancellationToken)
    {
        await _changes.Reader.ReadAsync(cancellationToken);
        return [];
    }

    public void Dispose() => _changes.Writer.TryComplete();
}

/// <summary>What a scripted source does when it is read.</summary>
internal abstract record Script
{
    public sealed record Users(params string[] Ids) : Script
    {
        /// <summary>The whole users to yield, when a test wants more than ids.</summary>
        public IReadOnlyList<ImportedUser>? Details { get; init; }
    }
    public sealed record Fail(ErrorClass Class, TimeSpan? RetryAfter = null) : Script;
    public sealed record Hang : Script;
}

/// <summary>A directory whose sources each follow a script; it counts and times every read.</summary>
internal sealed class ScriptedDirectory : IDirectoryConnector
{
    private readonly ConcurrentDictionary<string, Script> _scripts = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> _reads = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running, _total, _hanging;

    public DirectorySourceType Type => DirectorySourceType.Ldap;

    public int Running => Volatile.Read(ref _running);

    public int TotalReads => Volatile.Read(ref _total);

    /// <summary>Reads waiting in a hang right now.</summary>
    public int Hanging => Volatile.Read(ref _hanging);

    public void Set(string source, Script script) => _scripts[source] = script;

    public int Reads(string source) => _reads.TryGetValue(source, out var reads) ? reads.Count : 0;

    public IReadOnlyList<DateTimeOffset> ReadTimes(string source) => _reads.TryGetValue(source, out var reads) ? reads.ToList() : [];

    public void ReleaseAll() => _release.TrySetResult();

    public async IAsyncEnumerable<DirectoryEntry> ReadAsync(DirectorySource source, ReadContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _reads.GetOrAdd(source.Name, _ => new ConcurrentQueue<DateTimeOffset>()).Enqueue(context.Clock.GetUtcNow());
        var script = _scripts.GetValueOrDefault(source.Name, new Hosting.Script.Users("u1"));
        Interlocked.Increment(ref _running);
        Interlocked.Increment(ref _total);
        try
        {
            switch (script)
            {
                case Hosting.Script.Hang:
                    Interlocked.Increment(ref _hanging);
                    try
                    {
                        await _release.Task.WaitAsync(cancellationToken);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _hanging);
                    }
                    break;
                case Hosting.Script.Fail fail:
                    throw new DirectoryReadException(fail.Class, $"source {source.Name}: scripted {fail.Class} failure", fail.RetryAfter);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
        if (script is Hosting.Script.Users { Details: { } whole })
        {
            foreach (var user in whole) yield return new UserEntry(user);
        }
        else if (script is Hosting.Script.Users users)
        {
            foreach (var id in users.Ids)
            {
                yield return new UserEntry(new ImportedUser
                {
                    Id = id,
                    Details = new UserDetails { UserName = id, Email = $"{id}@{source.Name}.example.com", DisplayName = id.ToUpperInvariant() },
                });
            }
        }
        yield return new ReadEnd(ReadMode.Full, null);
    }
}

/// <summary>Counts what the engine reports.</summary>
internal sealed class CountingMetrics : IEngineMetrics
{
    private int _reconciles;
    public ConcurrentQueue<string> Outcomes { get; } = new();

    public int Reconciles => Volatile.Read(ref _reconciles);

    public void ObserveReconcile(string kind, TimeSpan duration, string outcome)
    {
        Outcomes.Enqueue(outcome);
        Interlocked.Increment(ref _reconciles);
    }

    public void ObserveSync(string source, DateTimeOffset at, int users, bool error) { }
    public void ForgetSource(string source) { }
    public void SetUsersPerState(IReadOnlyDictionary<Reconciler.Core.Registry.UserState, int> counts) { }
    public void SetPlanChanges(Reconciler.Core.Planning.PlanSummary summary) { }
    public void SetWorkQueue(int ready, int waiting) { }
    public void ObserveRequeue(string reason) { }
}
