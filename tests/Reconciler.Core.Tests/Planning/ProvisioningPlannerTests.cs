using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using static Reconciler.Core.Tests.Planning.World;

namespace Reconciler.Core.Tests.Planning;

public sealed class ProvisioningPlannerTests
{
    [Fact]
    public void Plan_CreatesMatchedUserWithProfileRegionAndPolicyQuota()
    {
        var world = new World().Source("hr").Policy("std", "50Gi")
            .Mapping("everyone", "hr", 10, profile: "laptops", region: "eu-west", policy: "std")
            .Import("hr", User("ann"));

        var plan = world.Plan();

        var create = Assert.IsType<Create>(Assert.Single(plan.Changes));
        Assert.Equal(("hr", "ann", "ann@example.com"), (create.After.Source, create.After.ExternalId, create.After.Email));
        Assert.Equal(("everyone", "laptops", "eu-west"), (create.After.Mapping, create.After.Profile, create.After.StorageRegion));
        Assert.Equal(50L << 30, create.After.QuotaBytes);
        Assert.Equal("std", create.After.QuotaPolicy);
        Assert.Equal(UserState.Active, create.After.State);
        Assert.Equal(T0, create.After.CreatedAt);
        Assert.Equal(new PlanSummary(1, 0, 0, 0, 0, 0, 0), plan.Summary);
    }

    [Fact]
    public void Plan_InlineQuotaAndUnlimited()
    {
        var world = new World().Source("hr")
            .Mapping("big", "hr", 1, new UserFilter { Groups = ["big"] }, quota: "1Ti")
            .Mapping("rest", "hr", 2, quota: "0")
            .Import("hr", User("ann", groups: ["big"]), User("bob"));

        var byId = world.Plan().Changes.ToDictionary(c => c.ExternalId, c => c.After.QuotaBytes);

        Assert.Equal(1L << 40, byId["ann"]);
        Assert.Equal(0, byId["bob"]);
    }

    [Fact]
    public void Plan_LowerPriorityNumberWins_AndTiesBreakByName()
    {
        var world = new World().Source("hr")
            .Mapping("zeta", "hr", 5).Mapping("alpha", "hr", 5).Mapping("first", "hr", 1, new UserFilter { Groups = ["vip"] })
            .Import("hr", User("ann", groups: ["vip"]), User("bob"));

        var byId = world.Plan().Changes.ToDictionary(c => c.ExternalId, c => c.After.Mapping);

        Assert.Equal("first", byId["ann"]);
        Assert.Equal("alpha", byId["bob"]);
    }

    [Fact]
    public void Plan_MatchesOnlyMembersOfAnyListedGroup_CaseInsensitive()
    {
        var world = new World().Source("hr")
            .Mapping("eng", "hr", 1, new UserFilter { Groups = ["cn=eng,ou=groups,dc=x", "cn=ops,ou=groups,dc=x"] })
            .Import("hr", User("ann", groups: ["CN=Eng,OU=Groups,DC=x"]), User("bob", groups: ["cn=sales,ou=groups,dc=x"]), User("cy"));

        Assert.Equal(["ann"], world.Plan().Changes.Select(c => c.ExternalId));
    }

    public static TheoryData<FilterOperator, string[], string, bool> AttributeCases => new()
    {
        { FilterOperator.In, ["R&D", "Ops"], "r&d", true },
        { FilterOperator.In, ["R&D"], "Sales", false },
        { FilterOperator.NotIn, ["Sales"], "R&D", true },
        { FilterOperator.NotIn, ["Sales"], "Sales", false },
        { FilterOperator.NotIn, ["Sales"], "", true },
        { FilterOperator.Exists, [], "R&D", true },
        { FilterOperator.Exists, [], "", false },
        { FilterOperator.Equals, ["R&D"], "R&D", true },
        { FilterOperator.Equals, ["R&D"], "R&D Labs", false },
        { FilterOperator.StartsWith, ["R&"], "R&D Labs", true },
        { FilterOperator.StartsWith, ["Lab"], "R&D Labs", false },
        { FilterOperator.Matches, ["^r&d( labs)?$"], "R&D Labs", true },
        { FilterOperator.Matches, ["^ops$"], "R&D", false },
    };

    [Theory]
    [MemberData(nameof(AttributeCases))]
    public void Plan_AttributeOperators(FilterOperator op, string[] values, string department, bool matches)
    {
        var world = new World().Source("hr")
            .Mapping("m", "hr", 1, new UserFilter { Attributes = [new AttributeCondition { Name = "department", Operator = op, Values = [.. values] }] })
            .Import("hr", User("ann", department: department));

        Assert.Equal(matches ? 1 : 0, world.Plan().Summary.Create);
    }

    [Theory]
    [InlineData("ou=people,dc=example,dc=com", "ou=people,dc=example,dc=com", true)]
    [InlineData("ou=eng,ou=people,dc=example,dc=com", "ou=people,dc=example,dc=com", true)]
    [InlineData("ou=xpeople,dc=example,dc=com", "ou=people,dc=example,dc=com", false)]
    [InlineData("ou=people,dc=other,dc=com", "ou=people,dc=example,dc=com", false)]
    [InlineData("/Engineering/Berlin", "/Engineering", true)]
    [InlineData("/EngineeringOps", "/Engineering", false)]
    [InlineData("/Sales", "/", true)]
    public void Plan_OrganizationalUnitIsASubtree(string userUnit, string filterUnit, bool matches)
    {
        var world = new World().Source("hr")
            .Mapping("m", "hr", 1, new UserFilter { OrganizationalUnit = filterUnit })
            .Import("hr", User("ann", ou: userUnit));

        Assert.Equal(matches ? 1 : 0, world.Plan().Summary.Create);
    }

    [Fact]
    public void Plan_AllClausesMustHold()
    {
        var filter = new UserFilter
        {
            Groups = ["eng"],
            Attributes = [new AttributeCondition { Name = "department", Operator = FilterOperator.Equals, Values = ["R&D"] }],
            OrganizationalUnit = "ou=people,dc=x",
        };
        var world = new World().Source("hr").Mapping("m", "hr", 1, filter)
            .Import("hr",
                User("all", groups: ["eng"], department: "R&D", ou: "ou=people,dc=x"),
                User("nogroup", department: "R&D", ou: "ou=people,dc=x"),
                User("nodept", groups: ["eng"], ou: "ou=people,dc=x"),
                User("noou", groups: ["eng"], department: "R&D"));

        Assert.Equal(["all"], world.Plan().Changes.Select(c => c.ExternalId));
    }

    [Fact]
    public void Plan_NeverImportsBlankEmailOrDisabledAtFirstSight()
    {
        var world = new World().Source("hr").Mapping("m", "hr", 1)
            .Import("hr", User("blank", email: " "), User("off", enabled: false), User("ok"));

        Assert.Equal(["ok"], world.Plan().Changes.Select(c => c.ExternalId));
    }

    [Fact]
    public void Plan_DoesNotCreateWhenWinningMappingDoesNotAutoImport()
    {
        var world = new World().Source("hr")
            .Mapping("manual", "hr", 1, new UserFilter { Groups = ["contractors"] }, autoImport: false)
            .Mapping("rest", "hr", 2)
            .Import("hr", User("con", groups: ["contractors"]), User("emp"));

        Assert.Equal(["emp"], world.Plan().Changes.Select(c => c.ExternalId));
    }

    [Fact]
    public void Plan_SecondPlanAfterApplyIsEmpty()
    {
        var world = new World().Source("hr").Mapping("m", "hr", 1)
            .Import("hr", User("ann"), User("bob"), User("cy", enabled: false));
        world.Apply(world.Plan());

        Assert.True(world.Plan(now: T0.AddHours(1)).IsEmpty);
    }

    [Fact]
    public void Plan_RegionChangeInYamlUpdatesEveryUserOfTheMapping()
    {
        var world = new World().Source("hr").Mapping("m", "hr", 1, region: "us-east")
            .Import("hr", User("ann"), User("bob"));
        world.Apply(world.Plan());
        world.Mappings.Clear();
        world.Mapping("m", "hr", 1, region: "eu-west");

        var plan = world.Plan();

        Assert.Equal(2, plan.Summary.Update);
        var update = Assert.IsType<Update>(plan.Changes[0]);
        Assert.Equal([new FieldChange("storageRegion", "us-east", "eu-west")], update.Fields);
        Assert.Equal("mapping m changed", update.Reason);
    }

    [Fact]
    public void Plan_DirectoryDetailsFollowOnlyWhenMappingAutoUpdates()
    {
        var world = new World().Source("hr")
            .Mapping("upd", "hr", 1, new UserFilter { Groups = ["a"] })
            .Mapping("keep", "hr", 2, autoUpdate: false)
            .Import("hr", User("ann", groups: ["a"]), User("bob"));
        world.Apply(world.Plan());
        world.Import("hr", User("ann", groups: ["a"], name: "Ann Lee", email: "ann.lee@example.com"), User("bob", name: "Bob Ray", email: "bob.ray@example.com"));

        var plan = world.Plan();

        var update = Assert.IsType<Update>(Assert.Single(plan.Changes));
        Assert.Equal("ann", update.ExternalId);
        Assert.Equal(["email", "displayName"], update.Fields.Select(f => f.Field));
        Assert.Equal("directory details changed", update.Reason);
    }

    [Fact]
    public void Plan_MovingToAnotherMappingIsAnUpdate()
    {
        var world = new World().Source("hr")
            .Mapping("eng", "hr", 1, new UserFilter { Groups = ["eng"] }, profile: "dev")
            .Mapping("rest", "hr", 2)
            .Import("hr", User("ann"));
        world.Apply(world.Plan());
        world.Import("hr", User("ann", groups: ["eng"]));

        var update = Assert.IsType<Update>(Assert.Single(world.Plan().Changes));

        Assert.Equal("now matched by mapping eng (was rest)", update.Reason);
        Assert.Equal(("eng", "dev"), (update.After.Mapping, update.After.Profile));
    }
}
