using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using static Reconciler.Core.Tests.Planning.World;

namespace Reconciler.Core.Tests.Planning;

/// <summary>
/// An incremental plan is given only the users whose directory entry changed and those the last plan left pending
/// (conflicts, removals held back), plus the totals the last plan left. It must decide exactly what a whole plan of
/// every user decides: the same changes, conflicts, held-back removals and tallies. Checked over seeded random
/// worlds where the directory changes a little or a lot between rounds.
/// </summary>
public sealed class IncrementalPlanTests
{
    private static readonly string[] Groups = ["eng", "ops", "sales", "vip"];
    private static readonly string[] Departments = ["R&D", "Ops", "Sales", ""];
    private static readonly string[] SourceNames = ["ad", "hr"];

    [Fact]
    public void Plan_IncrementalDecidesWhatTheWholePlanDecides()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var world = RandomWorld(random);
            var allowDeletions = random.Next(3) > 0;
            var snapshots = SourceNames.ToDictionary(s => s, s => Mutate(random, [], s[..1], fresh: true));
            var previous = Whole(world, snapshots, allowDeletions, T0);
            world.Apply(previous.Plan);

            for (var round = 1; round < 6; round++)
            {
                var now = T0.AddHours(round);
                var next = SourceNames.ToDictionary(s => s, s => Mutate(random, snapshots[s], s[..1], fresh: random.Next(6) == 0));
                var whole = Whole(world, next, allowDeletions, now);
                var incremental = Incremental(world, snapshots, next, previous.Outcome, allowDeletions, now);

                var context = $"seed {seed} round {round}";
                Assert.True(whole.Plan.Changes.Select(Describe).SequenceEqual(incremental.Plan.Changes.Select(Describe)),
                    $"{context}: changes differ\nwhole:       {string.Join("; ", whole.Plan.Changes.Select(Describe))}\n" +
                    $"incremental: {string.Join("; ", incremental.Plan.Changes.Select(Describe))}");
                Assert.Equal(whole.Outcome.Conflicts.Select(c => c.ToString()), incremental.Outcome.Conflicts.Select(c => c.ToString()));
                Assert.Equal(whole.Outcome.Blocked.Select(b => b.Message), incremental.Outcome.Blocked.Select(b => b.Message));
                foreach (var mapping in world.Mappings)
                {
                    Assert.True(whole.Outcome.Mappings[mapping.Name] == incremental.Outcome.Mappings[mapping.Name],
                        $"{context}: tally of {mapping.Name}: whole {whole.Outcome.Mappings[mapping.Name]}, incremental {incremental.Outcome.Mappings[mapping.Name]}");
                }

                world.Apply(whole.Plan);
                snapshots = next;
                previous = whole;
            }
        }
    }

    private sealed record Result(Plan Plan, PlanOutcome Outcome);

    /// <summary>Every user of every source, in id order (as a store streams them).</summary>
    private static Result Whole(World world, Dictionary<string, ImportedUser[]> snapshots, bool allowDeletions, DateTimeOffset now)
    {
        var inputs = world.Sources.Select(source => new SourceInput
        {
            Source = source,
            Users = Sorted(PlanUsers.Join(source.Name, snapshots[source.Name], world.Registry).Pairs(PairSet.All)),
            Snapshot = SnapshotState.CompleteRead,
        }).ToList();
        return Run(world, inputs, allowDeletions, now);
    }

    /// <summary>Only the users whose entry changed since the last plan, and the ones it left pending.</summary>
    private static Result Incremental(World world, Dictionary<string, ImportedUser[]> before, Dictionary<string, ImportedUser[]> now,
        PlanOutcome last, bool allowDeletions, DateTimeOffset at)
    {
        var inputs = world.Sources.Select(source =>
        {
            var old = before[source.Name].ToDictionary(u => u.Id);
            var current = now[source.Name].ToDictionary(u => u.Id);
            var ids = current.Values.Where(u => !old.TryGetValue(u.Id, out var was) || !Same(was, u)).Select(u => u.Id)
                .Concat(old.Keys.Where(id => !current.ContainsKey(id)))
                .Concat(last.Pending.Where(p => p.Source == source.Name).Select(p => p.ExternalId))
                .ToHashSet();
            var rows = world.Registry.Where(r => r.Source == source.Name).ToDictionary(r => r.ExternalId);
            var pairs = ids.Select(id => new UserPair(current.GetValueOrDefault(id), rows.GetValueOrDefault(id), old.GetValueOrDefault(id)));
            var tallies = last.Mappings
                .Where(m => world.Mappings.Any(x => x.Name == m.Key && x.Spec.SourceRef.Name == source.Name))
                .ToDictionary(m => m.Key, m => m.Value);
            return new SourceInput
            {
                Source = source,
                Users = Sorted(pairs),
                Snapshot = SnapshotState.CompleteRead,
                Whole = false,
                Settled = new SettledTotals(rows.Values.Count(r => r.State == UserState.Active), tallies),
            };
        }).ToList();
        return Run(world, inputs, allowDeletions, at);
    }

    private static Result Run(World world, List<SourceInput> inputs, bool allowDeletions, DateTimeOffset now)
    {
        var sink = new PlanCollector();
        var outcome = ProvisioningPlanner.Plan(world.Desired, inputs, new RegistryEmailOwners(world.Registry), sink, new PlanOptions(now, allowDeletions));
        return new Result(new Plan { Changes = sink.Changes, Conflicts = outcome.Conflicts, Blocked = outcome.Blocked, Mappings = outcome.Mappings }, outcome);
    }

    private static PlanUsers Sorted(IEnumerable<UserPair> pairs) =>
        new(pairs.OrderBy(p => p.Id, StringComparer.Ordinal).ToList());

    private static bool Same(ImportedUser a, ImportedUser b) =>
        a.Details == b.Details && a.Enabled == b.Enabled && a.OrganizationalUnit == b.OrganizationalUnit && a.Groups.SequenceEqual(b.Groups);

    private static World RandomWorld(Random random)
    {
        var world = new World();
        foreach (var source in SourceNames)
        {
            world.Source(source, new DeletionGuard { MaxDeletePercent = random.Next(2) == 0 ? 100 : 25 });
            var priorities = Enumerable.Range(1, 10).OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToList();
            foreach (var priority in priorities)
            {
                var filter = random.Next(4) switch
                {
                    0 => new UserFilter(),
                    1 => new UserFilter { Groups = [Groups[random.Next(Groups.Length)]] },
                    2 => new UserFilter { Attributes = [new AttributeCondition { Name = "department", Operator = FilterOperator.In, Values = [Departments[random.Next(3)]] }] },
                    _ => new UserFilter { OrganizationalUnit = random.Next(2) == 0 ? "ou=people,dc=x" : "ou=eng,ou=people,dc=x" },
                };
                world.Mapping($"{source}-m{priority}", source, priority, filter, region: random.Next(2) == 0 ? "us-east" : "eu-west",
                    quota: random.Next(2) == 0 ? "50Gi" : "0", autoImport: random.Next(5) > 0, autoUpdate: random.Next(4) > 0,
                    preserve: random.Next(2) == 0);
            }
        }
        return world;
    }

    /// <summary>The next directory: a few users changed, added or gone — or, now and then, a new one altogether.</summary>
    private static ImportedUser[] Mutate(Random random, ImportedUser[] users, string prefix, bool fresh)
    {
        if (fresh) return Enumerable.Range(0, random.Next(0, 25)).Select(_ => RandomUser(random, prefix)).DistinctBy(u => u.Id).ToArray();
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

    private static ImportedUser RandomUser(Random random, string prefix) =>
        User($"{prefix}{random.Next(30)}",
            email: random.Next(10) == 0 ? "" : $"user{random.Next(25)}@example.com",
            groups: Groups.Where(_ => random.Next(3) == 0).ToArray(),
            department: Departments[random.Next(Departments.Length)],
            ou: random.Next(2) == 0 ? "ou=eng,ou=people,dc=x" : "ou=people,dc=x",
            enabled: random.Next(8) > 0,
            name: $"Name {random.Next(3)}");

    private static string Describe(PlanAction change) => change switch
    {
        Update u => $"{u} {string.Join(",", u.Fields)}",
        Restore r => $"{r} {string.Join(",", r.Fields)}",
        _ => change.ToString(),
    };
}
