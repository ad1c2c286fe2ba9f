using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using static Reconciler.Core.Tests.Planning.World;

namespace Reconciler.Core.Tests.Planning;

/// <summary>
/// Laws every plan obeys, checked over many seeded random worlds (two sources, overlapping mappings, shared emails,
/// users coming, changing, leaving and returning). A failing seed reproduces exactly.
/// </summary>
public sealed class PlannerPropertiesTests
{
    private static readonly string[] Groups = ["eng", "ops", "sales", "vip"];
    private static readonly string[] Departments = ["R&D", "Ops", "Sales", ""];

    private static World RandomWorld(Random random)
    {
        var world = new World();
        foreach (var source in new[] { "ad", "hr" })
        {
            world.Source(source, new DeletionGuard { MaxDeletePercent = 100 });
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

    private static ImportedUser[] RandomUsers(Random random, string prefix) => Enumerable.Range(0, random.Next(0, 25))
        .Select(i => User($"{prefix}{random.Next(30)}",
            email: random.Next(10) == 0 ? "" : $"user{random.Next(25)}@example.com",
            groups: Groups.Where(_ => random.Next(3) == 0).ToArray(),
            department: Departments[random.Next(Departments.Length)],
            ou: random.Next(2) == 0 ? "ou=eng,ou=people,dc=x" : "ou=people,dc=x",
            enabled: random.Next(8) > 0,
            name: $"Name {random.Next(3)}"))
        .DistinctBy(u => u.Id)
        .ToArray();

    [Fact]
    public void Plan_AfterApplyingAPlanTheNextPlanIsEmpty_AndPlansAreDeterministic()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var world = RandomWorld(random);
            for (var round = 0; round < 4; round++)
            {
                world.Import("ad", RandomUsers(random, "a")).Import("hr", RandomUsers(random, "h"));
                var now = T0.AddHours(round);
                var plan = world.Plan(allowDeletions: true, now: now);
                var again = world.Plan(allowDeletions: true, now: now);
                Assert.True(plan.Changes.Select(Describe).SequenceEqual(again.Changes.Select(Describe)),
                    $"seed {seed} round {round}: two plans of the same inputs differ");

                world.Apply(plan);
                var next = world.Plan(allowDeletions: true, now: now.AddMinutes(1));
                Assert.True(next.IsEmpty, $"seed {seed} round {round}: plan after apply has {next.Summary}: {string.Join("; ", next.Changes.Select(c => $"{c.Verb} {c.Source}/{c.ExternalId} {c.Reason}"))}");
                Assert.True(world.Registry.GroupBy(r => r.Email.ToLowerInvariant()).All(g => g.Count() == 1),
                    $"seed {seed} round {round}: two provisioned users share an email");
            }
        }
    }

    private static string Describe(PlanAction change) => change switch
    {
        Update u => $"{u} {string.Join(",", u.Fields)}",
        Restore r => $"{r} {string.Join(",", r.Fields)}",
        _ => change.ToString(),
    };

    [Fact]
    public void Plan_FromAnIncompleteImportNeverPreservesOrDisables()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var world = RandomWorld(random);
            world.Import("ad", RandomUsers(random, "a")).Import("hr", RandomUsers(random, "h"));
            world.Apply(world.Plan(allowDeletions: true));

            world.ImportIncomplete("ad", RandomUsers(random, "a")).ImportIncomplete("hr", RandomUsers(random, "h"));
            var plan = world.Plan(allowDeletions: true);

            Assert.DoesNotContain(plan.Changes, c => c is Preserve or Disable);
            Assert.Empty(plan.Blocked);
        }
    }

    // "Nobody ever leaves the registry" cannot fail against this in-memory world, whose apply only upserts: it is
    // checked where a row could really vanish, through the store, by ReconcilePropertiesTests in Reconciler.Engine.Tests.
}
