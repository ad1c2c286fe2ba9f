using Reconciler.Core.Directory;
using Reconciler.Core.Matching;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using static Reconciler.Core.Tests.Planning.World;

namespace Reconciler.Core.Tests.Planning;

/// <summary>
/// A <c>Matches</c> pattern that backtracks catastrophically on one user's value runs into its match timeout. That user
/// is reported and left exactly as they are; nobody else is affected, and nothing throws out of the planner.
/// </summary>
public sealed class MatchTimeoutTests
{
    private const string Catastrophic = "^(a+)+$";
    private static readonly string Hostile = new string('a', 1000) + "b";

    private static UserFilter BadgeFilter => new()
    {
        Attributes = [new AttributeCondition { Name = "badge", Operator = FilterOperator.Matches, Values = [Catastrophic] }],
    };

    private static ImportedUser Badge(string id, string badge) =>
        User(id) with { Attributes = new Dictionary<string, string> { ["badge"] = badge } };

    [Fact]
    public void Matcher_ThatTimesOut_NamesTheClauseAndAttribute_InsteadOfARegexException()
    {
        var matcher = new UserFilterMatcher(BadgeFilter);

        Assert.True(matcher.Matches(Badge("ann", "aaa")));
        var e = Assert.Throws<FilterTimeoutException>(() => matcher.Matches(Badge("cy", Hostile)));

        Assert.Equal("filter.attributes[0]", e.Clause);
        Assert.Equal("badge", e.Attribute);
        Assert.Equal($"filter.attributes[0]: matching badge against /{Catastrophic}/ took longer than 1 s", e.Message);
    }

    [Fact]
    public void Plan_LeavesAUserWhoseMatchTimedOutAsTheyAre_AndReportsMappingClauseAndUser()
    {
        var world = new World().Source("hr", new DeletionGuard { MaxDeletePercent = 100 })
            .Mapping("badged", "hr", 1, BadgeFilter)
            .Mapping("rest", "hr", 2, preserve: false)
            .Import("hr", Badge("ann", "aaa"), Badge("cy", "aa"));
        world.Apply(world.Plan());
        Assert.Equal("badged", world.Row("hr", "cy").Mapping);

        // cy's badge now makes the pattern backtrack for ever; dan is new with the same badge.
        world.Import("hr", Badge("ann", "aaa"), Badge("cy", Hostile), Badge("dan", Hostile));
        var plan = world.Plan();

        Assert.Empty(plan.Changes);
        Assert.Equal(2, plan.Undecided["hr"]);
        var problem = Assert.Single(plan.Problems, p => p.ExternalId == "cy");
        Assert.Equal($"source hr: user cy: mapping badged filter.attributes[0]: matching badge against /{Catastrophic}/ took longer than 1 s; "
            + "the user is left as they are (not created, updated, preserved or disabled)", problem.Message);
        Assert.Single(plan.Problems, p => p.ExternalId == "dan");
        Assert.Equal(UserState.Active, world.Row("hr", "cy").State);
    }

    [Fact]
    public void Explain_SaysTheMappingIsUndecided_AndThatLowerOnesCannotWinMeanwhile()
    {
        var world = new World().Source("hr")
            .Mapping("badged", "hr", 1, BadgeFilter)
            .Mapping("rest", "hr", 2)
            .Import("hr", Badge("cy", Hostile));

        var explained = Assert.Single(UserExplainer.Explain(world.Desired, world.Snapshots, world.Registry, "cy", new PlanOptions(T0)));

        Assert.Equal($"undecided: filter.attributes[0]: matching badge against /{Catastrophic}/ took longer than 1 s", explained.Mappings[0].Outcome);
        Assert.Equal("matches, but cannot win while badged (1) is undecided", explained.Mappings[1].Outcome);
        Assert.DoesNotContain(explained.Mappings, m => m.Won);
        Assert.StartsWith("no change: source hr: user cy: mapping badged", explained.Outcome);
    }
}
