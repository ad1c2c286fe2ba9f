using Microsoft.Extensions.Logging.Abstractions;
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
/// Laws of a reconcile through the real store, over seeded random worlds whose directories change a little or a
/// lot between rounds (so most rounds plan incrementally): nobody ever leaves the registry, a whole plan of every
/// user right after a reconcile finds nothing to do, and no two provisioned users share an email.
/// </summary>
public sealed class ReconcilePropertiesTests : IDisposable
{
    private static readonly string[] Groups = ["eng", "ops", "sales"];
    private static readonly string[] Departments = ["R&D", "Ops", "Sales", ""];
    private readonly TempFolder _folder = new("props");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Reconcile_NeverLosesARegistryRow_AndLeavesNothingForAWholePlanToDo()
    {
        for (var seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            var desired = RandomWorld(random);
            var directory = new ScriptedDirectory();
            var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(EngineWorld.T0);
            var reader = new SourceReader([directory], new LocalSecretResolver(), clock);
            var reconciliation = new Reconciliation(clock, NullLogger<Reconciliation>.Instance);
            await using var store = await SqliteStore.OpenAsync(_folder.File($"seed-{seed}.db"), readOnly: false, default);
            var users = desired.Sources.ToDictionary(s => s.Name, s => Mutate(random, [], s.Name[..1], fresh: true));
            var everyone = new HashSet<(string, string)>();

            for (var round = 0; round < 8; round++)
            {
                clock.Advance(TimeSpan.FromMinutes(10));
                foreach (var source in desired.Sources) directory.Set(source.Name, new Script.Users(users[source.Name].Select(u => u.Id).ToArray()) { Details = users[source.Name] });
                var context = $"seed {seed} round {round}";
                var reads = new List<SourceRead>();
                foreach (var source in desired.Sources) reads.Add(await reader.ReadAsync(source, "/", store, null, default));
                var allow = random.Next(3) > 0;
                var applied = new Reconciler.Core.Planning.PlanCollector();
                var outcome = await reconciliation.RunAsync(store, desired, reads, new ReconcileOptions(AllowDeletions: allow) { Observer = applied }, default);
                Assert.True(outcome.Committed, context);

                var registry = new List<ProvisionedUser>();
                await foreach (var user in store.ListUsersAsync(new UserQuery(), default)) registry.Add(user);
                var present = registry.Select(r => (r.Source, r.ExternalId)).ToHashSet();
                // A row leaves its id only to follow its person to a new one (re-bound), with its data.
                foreach (var moved in applied.Changes.Where(c => c.Before is { } b && b.ExternalId != c.ExternalId))
                {
                    Assert.True(everyone.Remove((moved.Before!.Source, moved.Before.ExternalId)), $"{context}: {moved.Before.ExternalId} was re-bound but not provisioned");
                    everyone.Add((moved.Source, moved.ExternalId));
                }
                Assert.True(everyone.IsSubsetOf(present), $"{context}: a provisioned user left the registry");
                everyone.UnionWith(present);
                Assert.True(registry.GroupBy(r => r.Email.ToUpperInvariant()).All(g => g.Count() == 1), $"{context}: two provisioned users share an email");

                // Read again (nothing changed) and plan every user as a whole: nothing must be left to do.
                var again = new List<SourceRead>();
                foreach (var source in desired.Sources) again.Add(await reader.ReadAsync(source, "/", store, null, default));
                // Removals a deletion guard held back may go ahead now (the creates of the same plan grew the base).
                var collector = new Reconciler.Core.Planning.PlanCollector();
                var check = await reconciliation.RunAsync(store, desired, again,
                    new ReconcileOptions(DryRun: true, AllowDeletions: allow) { Whole = true, Observer = collector }, default);
                var heldBack = outcome.Plan.Blocked.SelectMany(b => b.HeldBack).Select(h => (h.Source, h.ExternalId)).ToHashSet();
                var left = collector.Changes
                    .Where(c => !(c is Reconciler.Core.Planning.Preserve or Reconciler.Core.Planning.Disable && heldBack.Contains((c.Source, c.ExternalId))))
                    .ToList();
                Assert.True(left.Count == 0, $"{context}: after a reconcile ({string.Join(", ", outcome.Scopes)}; {outcome.Plan.Summary}) a whole plan still has " +
                    string.Join("; ", left.Select(c => $"{c.Verb} {c.Source}/{c.ExternalId}: {c.Reason}")));

                foreach (var source in desired.Sources) users[source.Name] = Mutate(random, users[source.Name], source.Name[..1], fresh: random.Next(8) == 0);
            }
        }
    }

    private static DesiredState RandomWorld(Random random)
    {
        var sources = new List<DirectorySource>();
        var mappings = new List<ProvisioningMapping>();
        foreach (var name in new[] { "ad", "hr" })
        {
            sources.Add(new DirectorySource
            {
                Metadata = new ResourceMetadata { Name = name, Generation = 1 },
                Spec = new DirectorySourceSpec { Type = DirectorySourceType.Ldap, DeletionGuard = new DeletionGuard { MaxDeletePercent = random.Next(2) == 0 ? 100 : 30 } },
            });
            foreach (var priority in Enumerable.Range(1, 10).OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
            {
                mappings.Add(new ProvisioningMapping
                {
                    Metadata = new ResourceMetadata { Name = $"{name}-m{priority}", Generation = 1 },
                    Spec = new ProvisioningMappingSpec
                    {
                        SourceRef = new ResourceRef { Name = name },
                        Priority = priority,
                        Filter = random.Next(3) switch
                        {
                            0 => new UserFilter(),
                            1 => new UserFilter { Groups = [Groups[random.Next(Groups.Length)]] },
                            _ => new UserFilter { Attributes = [new AttributeCondition { Name = "department", Operator = FilterOperator.In, Values = [Departments[random.Next(3)]] }] },
                        },
                        Profile = "standard",
                        StorageRegion = random.Next(2) == 0 ? "us-east" : "eu-west",
                        AutoImportNewUsers = random.Next(5) > 0,
                        AutoUpdateUserDetails = random.Next(4) > 0,
                        PreserveUnmappedUsers = random.Next(2) == 0,
                    },
                });
            }
        }
        return new DesiredState { Sources = sources, Mappings = mappings, Revision = "props", Location = "props" };
    }

    private static ImportedUser[] Mutate(Random random, ImportedUser[] users, string prefix, bool fresh)
    {
        if (fresh) return Enumerable.Range(0, random.Next(0, 30)).Select(_ => RandomUser(random, prefix)).DistinctBy(u => u.Id).ToArray();
        var next = users.ToDictionary(u => u.Id);
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            var user = RandomUser(random, prefix);
            switch (random.Next(3))
            {
                case 0: next[user.Id] = user; break;
                case 1: next.Remove(user.Id); break;
                default:
                    if (next.TryGetValue(user.Id, out var was)) next[user.Id] = was with { Details = was.Details with { Email = user.Email } };
                    break;
            }
        }
        return next.Values.ToArray();
    }

    private static ImportedUser RandomUser(Random random, string prefix) => new()
    {
        Id = $"{prefix}{random.Next(40)}",
        Details = new UserDetails
        {
            UserName = $"user{random.Next(40)}",
            Email = random.Next(10) == 0 ? "" : $"user{random.Next(30)}@example.com",
            DisplayName = $"Name {random.Next(3)}",
            Department = Departments[random.Next(Departments.Length)],
        },
        Groups = Groups.Where(_ => random.Next(3) == 0).ToArray(),
        Enabled = random.Next(8) > 0,
    };
}
