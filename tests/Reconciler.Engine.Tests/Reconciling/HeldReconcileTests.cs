using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
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
/// A source held by an invalid resource is planned but not applied. Its status says why and what the plan would do;
/// the counters on its mappings and quota policies, and the users per state, stay those of what is stored.
/// </summary>
public sealed class HeldReconcileTests : IDisposable
{
    private readonly TempFolder _folder = new("held");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AHeldSource_KeepsTheCountsOfWhatIsStored_NotOfThePlanItHoldsBack()
    {
        var clock = new FakeTimeProvider(EngineWorld.T0);
        var directory = new ScriptedDirectory();
        var reader = new SourceReader([directory], new LocalSecretResolver(), clock);
        var reconciliation = new Reconciliation(clock, NullLogger<Reconciliation>.Instance);
        await using var store = await SqliteStore.OpenAsync(_folder.File("state.db"), readOnly: false, default);
        var before = World(engineeringGroup: "eng");
        directory.Set("hr", new Script.Users("a", "b", "c") { Details = [User("a", "eng"), User("b", "eng"), User("c")] });
        var applied = await reconciliation.RunAsync(store, before,
            [await reader.ReadAsync(before.Sources[0], "/", store, null, default)], new ReconcileOptions(), default);
        Assert.True(applied.Committed);
        Assert.Equal("2 users bound, 100Gi allocated", Summary(await store.LoadStatusesAsync(default), "p"));

        // Nobody matches engineering any more and c left the directory: the plan would move a and b off policy p and
        // preserve c. But the source is held, so none of that happens, and nothing may say it did.
        clock.Advance(TimeSpan.FromMinutes(10));
        var after = World(engineeringGroup: "nobody");
        directory.Set("hr", new Script.Users("a", "b") { Details = [User("a", "eng"), User("b", "eng")] });
        var held = await reconciliation.RunAsync(store, after, [await reader.ReadAsync(after.Sources[0], "/", store, null, default)],
            new ReconcileOptions { HeldBecause = "mapping broken is invalid" }, default);

        Assert.False(held.Committed);
        Assert.Equal(2, held.Plan.Summary.Update);
        Assert.Equal(1, held.Plan.Summary.Preserve);
        Assert.Equal(new StateCounts(3, 0, 0), held.Users);
        var statuses = await store.LoadStatusesAsync(default);
        Assert.Equal("2 users bound, 100Gi allocated", Summary(statuses, "p"));
        var engineering = statuses.Single(s => s.Name == "engineering");
        using (var json = JsonDocument.Parse(engineering.StatusJson))
        {
            Assert.Equal(2, json.RootElement.GetProperty("provisionedUsers").GetInt32());
        }
        Assert.Contains("nothing is applied until it is fixed", statuses.Single(s => s.Name == "hr").Summary);
        var counts = await store.CountUsersAsync(default);
        Assert.Equal(3, counts[UserState.Active]);
    }

    private static string Summary(IReadOnlyList<StoredStatus> statuses, string name) => statuses.Single(s => s.Name == name).Summary;

    private static DesiredState World(string engineeringGroup) => new()
    {
        Sources =
        [
            new DirectorySource
            {
                Metadata = new ResourceMetadata { Name = "hr", Generation = 1 },
                Spec = new DirectorySourceSpec { Type = DirectorySourceType.Ldap, DeletionGuard = new DeletionGuard { MaxDeletePercent = 100 } },
            },
        ],
        Mappings =
        [
            Mapping("engineering", 1, new UserFilter { Groups = [engineeringGroup] }, new ResourceRef { Name = "p" }),
            Mapping("rest", 2, new UserFilter(), null),
        ],
        QuotaPolicies =
        [
            new StorageQuotaPolicy { Metadata = new ResourceMetadata { Name = "p", Generation = 1 }, Spec = new StorageQuotaPolicySpec { Quota = "50Gi" } },
        ],
        Revision = engineeringGroup,
        Location = "held",
    };

    private static ProvisioningMapping Mapping(string name, int priority, UserFilter filter, ResourceRef? policy) => new()
    {
        Metadata = new ResourceMetadata { Name = name, Generation = 1 },
        Spec = new ProvisioningMappingSpec
        {
            SourceRef = new ResourceRef { Name = "hr" },
            Priority = priority,
            Filter = filter,
            Profile = "standard",
            StorageRegion = "us-east",
            QuotaPolicyRef = policy,
            Quota = policy is null ? "10Gi" : null,
        },
    };

    private static ImportedUser User(string id, params string[] groups) => new()
    {
        Id = id,
        Details = new UserDetails { UserName = id, Email = $"{id}@example.com", DisplayName = id },
        Groups = groups,
    };
}
