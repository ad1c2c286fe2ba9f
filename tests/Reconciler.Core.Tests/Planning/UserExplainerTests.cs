using Reconciler.Core.Planning;
using Reconciler.Core.Resources;
using static Reconciler.Core.Tests.Planning.World;

namespace Reconciler.Core.Tests.Planning;

public sealed class UserExplainerTests
{
    [Fact]
    public void Explain_NamesWinnerLoserOnPriorityAndFailedClause()
    {
        var world = new World().Source("hr")
            .Mapping("vip", "hr", 1, new UserFilter { Groups = ["vip"] })
            .Mapping("eng", "hr", 5, new UserFilter { Attributes = [new AttributeCondition { Name = "department", Operator = FilterOperator.In, Values = ["R&D"] }] })
            .Mapping("all", "hr", 9)
            .Import("hr", User("ann", department: "R&D"));

        var explanation = Assert.Single(UserExplainer.Explain(world.Desired, world.Snapshots, world.Registry, "ann@example.com", new PlanOptions(T0)));

        Assert.Equal(
            [
                "no match: filter.groups: member of none of [vip] (has no groups)",
                "wins",
                "also matches, but loses on priority to eng (5 before 9)",
            ],
            explanation.Mappings.Select(m => m.Outcome));
        Assert.Equal("plan: create — matches mapping eng (priority 5)", explanation.Outcome);
    }

    [Fact]
    public void Explain_SaysWhyAUserIsNotImported()
    {
        var world = new World().Source("hr").Mapping("all", "hr", 1)
            .Import("hr", User("blank", email: ""), User("off", enabled: false));

        var blank = Assert.Single(UserExplainer.Explain(world.Desired, world.Snapshots, world.Registry, "blank", new PlanOptions(T0)));
        var off = Assert.Single(UserExplainer.Explain(world.Desired, world.Snapshots, world.Registry, "off", new PlanOptions(T0)));

        Assert.Equal("not imported: the directory has no email for this user", blank.Outcome);
        Assert.Equal("not imported: disabled in the directory when first seen", off.Outcome);
    }
}
