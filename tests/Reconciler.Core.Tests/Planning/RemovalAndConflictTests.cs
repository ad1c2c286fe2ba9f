using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using static Reconciler.Core.Tests.Planning.World;

namespace Reconciler.Core.Tests.Planning;

public sealed class RemovalAndConflictTests
{
    private static World Provisioned(bool preserve = true, DeletionGuard? guard = null)
    {
        var world = new World().Source("hr", guard)
            .Mapping("eng", "hr", 1, new UserFilter { Groups = ["eng"] }, preserve: preserve)
            .Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]), User("cy", groups: ["eng"]));
        return world.Apply(world.Plan());
    }

    [Fact]
    public void Plan_PreservesUserWhoLeftAllMappings()
    {
        var world = Provisioned();
        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]), User("cy", groups: ["sales"]));

        var preserve = Assert.IsType<Preserve>(Assert.Single(world.Plan().Changes));

        Assert.Equal("cy", preserve.ExternalId);
        Assert.Equal(UserState.Preserved, preserve.After.State);
        Assert.Equal("no longer matches any mapping of source hr; mapping eng preserves unmapped users", preserve.Reason);
    }

    [Fact]
    public void Plan_DisablesWhenTheProvisioningMappingDoesNotPreserve()
    {
        var world = Provisioned(preserve: false);
        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]));

        var disable = Assert.IsType<Disable>(Assert.Single(world.Plan().Changes));

        Assert.Equal(("cy", UserState.Disabled), (disable.ExternalId, disable.After.State));
        Assert.StartsWith("removed from the directory", disable.Reason);
    }

    [Fact]
    public void Plan_PreservesUserDisabledInTheDirectory()
    {
        var world = Provisioned();
        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]), User("cy", groups: ["eng"], enabled: false));

        var preserve = Assert.IsType<Preserve>(Assert.Single(world.Plan().Changes));

        Assert.StartsWith("disabled in the directory", preserve.Reason);
    }

    [Fact]
    public void Plan_RestoresPreservedUserWhoMatchesAgain()
    {
        var world = Provisioned();
        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]));
        world.Apply(world.Plan());
        Assert.Equal(UserState.Preserved, world.Row("hr", "cy").State);
        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]), User("cy", groups: ["eng"]));

        var restore = Assert.IsType<Restore>(Assert.Single(world.Plan().Changes));

        Assert.Equal(UserState.Active, restore.After.State);
        Assert.Contains(new FieldChange("state", "Preserved", "Active"), restore.Fields);
        Assert.True(world.Apply(world.Plan()).Plan().IsEmpty);
    }

    [Fact]
    public void Plan_IncompleteImportNeverPreservesOrDisablesAnyone()
    {
        var world = Provisioned(preserve: false);
        world.ImportIncomplete("hr", User("ann", groups: ["sales"]), User("dan", groups: ["eng"]));

        var plan = world.Plan();

        Assert.Equal(["create"], plan.Changes.Select(c => c.Verb));
        Assert.Contains(plan.Problems, p => p.Message.Contains("import incomplete") && p.Message.Contains("users.csv:7: broken row"));
    }

    [Fact]
    public void Plan_FailedImportPlansNothingForItsSource()
    {
        var world = Provisioned();
        world.ImportFailed("hr");

        var plan = world.Plan();

        Assert.True(plan.IsEmpty);
        Assert.Contains(plan.Problems, p => p.Message.Contains("could not be read"));
    }

    [Fact]
    public void Plan_SuspendedSourceIsNotReconciled()
    {
        var world = Provisioned();
        world.Sources[0] = world.Sources[0] with { Spec = world.Sources[0].Spec with { Suspend = true } };
        world.Import("hr");

        Assert.True(world.Plan().IsEmpty);
    }

    [Fact]
    public void Plan_DeletionGuardHoldsBackMassRemovalsUntilAllowed()
    {
        var world = Provisioned(guard: new DeletionGuard { MaxDeletePercent = 50 });
        world.Import("hr", User("ann", groups: ["eng"]), User("dan", groups: ["eng"]));

        var plan = world.Plan();

        Assert.Equal(["create"], plan.Changes.Select(c => c.Verb));
        var block = Assert.Single(plan.Blocked);
        Assert.Equal((2, 3), (block.Removals, block.ActiveUsers));
        Assert.Contains("maxDeletePercent 50%", block.Message);
        Assert.Contains("--allow-deletions", block.Message);
        Assert.Equal(2, plan.Summary.Blocked);

        var allowed = world.Plan(allowDeletions: true);
        Assert.Equal(2, allowed.Summary.Preserve);
        Assert.Empty(allowed.Blocked);
    }

    [Fact]
    public void Plan_DeletionGuardByCount()
    {
        var world = Provisioned(guard: new DeletionGuard { MaxDeletePercent = null, MaxDeleteCount = 1 });
        world.Import("hr", User("ann", groups: ["eng"]));

        Assert.Contains("maxDeleteCount 1", Assert.Single(world.Plan().Blocked).Message);

        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]));
        Assert.Equal(1, world.Plan().Summary.Preserve);
    }

    [Fact]
    public void Plan_CrossSourceEmailConflict_EarlierOwnerKeepsTheUser()
    {
        var world = new World().Source("ad").Source("hr")
            .Mapping("ad-all", "ad", 1).Mapping("hr-all", "hr", 1)
            .Import("ad", User("a1", email: "ann@example.com"));
        world.Apply(world.Plan());
        world.Import("hr", User("h1", email: "ANN@example.com"), User("h2", email: "bob@example.com"));

        var plan = world.Plan();

        Assert.Equal(["h2"], plan.Changes.Select(c => c.ExternalId));
        var conflict = Assert.Single(plan.Conflicts);
        Assert.Equal(("hr", "h1", "ad", "a1"), (conflict.Source, conflict.ExternalId, conflict.OwnerSource, conflict.OwnerExternalId));
        Assert.Equal(1, plan.Mappings["hr-all"].Conflicts);
        Assert.Equal(1, plan.Mappings["ad-all"].Conflicts);
        Assert.Equal(1, plan.Summary.Conflict);
    }

    /// <summary>
    /// The plan keeps who took each email in compact tables (ids as UTF-8 in 1 MB chunks): owners taken early, late
    /// and across a chunk's end, with ids of every length and non-ASCII ones, are named exactly in the conflicts.
    /// </summary>
    [Fact]
    public void Plan_ManyNewUsers_ConflictsNameTheOwnerTakenInThisPlan_WhereverItIsKept()
    {
        string Id(int i) => $"{new string('x', i % 200)}-ü-{i:D6}";
        const int Users = 60_000;
        var newcomers = Enumerable.Range(0, Users).Select(i => User(Id(i), email: $"user{i}@example.com")).ToList();
        int[] contested = [0, 1, 7_777, 8_000, Users / 2, Users - 1];
        var world = new World().Source("a-src").Source("b-src").Mapping("a", "a-src", 1).Mapping("b", "b-src", 1)
            .Import("a-src", [.. newcomers])
            .Import("b-src", [.. contested.Select(i => User($"claimant-{i}", email: $"USER{i}@example.com"))]);

        var plan = world.Plan();

        Assert.Equal(Users, plan.Summary.Create);
        var owners = plan.Conflicts.ToDictionary(c => c.ExternalId, c => (c.OwnerSource, c.OwnerExternalId, c.OwnerMapping));
        Assert.Equal(contested.Length, owners.Count);
        foreach (var i in contested) Assert.Equal(("a-src", Id(i), "a"), owners[$"claimant-{i}"]);
    }

    [Fact]
    public void Plan_SameEmailFromTwoSourcesInOnePlan_FirstSourceByNameWins()
    {
        var world = new World().Source("b-src").Source("a-src")
            .Mapping("a", "a-src", 1).Mapping("b", "b-src", 1)
            .Import("a-src", User("x", email: "sam@example.com"))
            .Import("b-src", User("y", email: "sam@example.com"));

        var plan = world.Plan();

        Assert.Equal(("a-src", "x"), (Assert.Single(plan.Changes).Source, plan.Changes[0].ExternalId));
        Assert.Equal("b-src", Assert.Single(plan.Conflicts).Source);
    }

    [Fact]
    public void Plan_APreservedUserWhoComesBackUnderANewIdWithTheSameEmail_IsReboundAndRestored_NotAConflict()
    {
        var world = Provisioned();
        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]));
        world.Apply(world.Plan());
        var preserved = world.Row("hr", "cy");
        // Deleted and created again in the identity provider: a new id, the same person and email.
        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]), User("cy-2", email: preserved.Email, groups: ["eng"]));

        var plan = world.Plan();

        Assert.Empty(plan.Conflicts);
        var restore = Assert.IsType<Restore>(Assert.Single(plan.Changes));
        Assert.Equal(("cy", "cy-2", UserState.Active), (restore.Previous.ExternalId, restore.ExternalId, restore.After.State));
        Assert.Equal(preserved.CreatedAt, restore.After.CreatedAt);
        Assert.Contains(new FieldChange("externalId", "cy", "cy-2"), restore.Fields);
        world.Apply(plan);
        Assert.Equal(["ann", "bob", "cy-2"], world.Registry.Select(r => r.ExternalId).Order());
        Assert.True(world.Plan().IsEmpty);
    }

    [Fact]
    public void Plan_ANewIdWithTheEmailOfAnActiveUser_OrOfAnotherSourcesPreservedUser_IsAConflict()
    {
        var world = Provisioned().Source("ad").Mapping("ad-all", "ad", 1);
        var ann = world.Row("hr", "ann");
        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]), User("cy", groups: ["eng"]), User("ann-2", email: ann.Email, groups: ["eng"]));
        Assert.Equal("ann-2", Assert.Single(world.Plan().Conflicts).ExternalId);

        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]));
        world.Apply(world.Plan());
        world.Import("ad", User("ad-cy", email: world.Row("hr", "cy").Email));
        var plan = world.Plan();

        Assert.Equal(UserState.Preserved, world.Row("hr", "cy").State);
        Assert.Equal("ad-cy", Assert.Single(plan.Conflicts).ExternalId);
        Assert.Empty(plan.Changes);
    }

    [Fact]
    public void Plan_EmailChangeToATakenAddressKeepsTheOldEmail()
    {
        var world = new World().Source("hr").Mapping("m", "hr", 1).Import("hr", User("ann"), User("bob"));
        world.Apply(world.Plan());
        world.Import("hr", User("ann", email: "bob@example.com"), User("bob"));

        var plan = world.Plan();

        Assert.Empty(plan.Changes);
        Assert.Equal("ann", Assert.Single(plan.Conflicts).ExternalId);
    }

    [Fact]
    public void Plan_TalliesMatchedProvisionedAndConflictsPerMapping()
    {
        var world = Provisioned();
        world.Import("hr", User("ann", groups: ["eng"]), User("bob", groups: ["eng"]), User("cy", groups: ["x"]), User("dan", groups: ["eng"]));

        var tally = world.Plan().Mappings["eng"];

        Assert.Equal(new MappingTally(Matched: 3, Provisioned: 3, Conflicts: 0), tally);
    }

    [Fact]
    public void Plan_UsersOfAnUndeclaredSourceAreLeftAlone()
    {
        var world = Provisioned();
        world.Sources.Clear();
        world.Mappings.Clear();

        var plan = world.Plan();

        Assert.True(plan.IsEmpty);
        Assert.Contains(plan.Problems, p => p.Message == "source hr is no longer declared; its 3 users are left as they are");
    }

    [Fact]
    public void Plan_AnEmailReleasedInThePlanGoesToWhoeverNeedsItInTheSamePlan()
    {
        var world = new World().Source("ad").Source("hr").Mapping("ad-all", "ad", 1).Mapping("hr-all", "hr", 1)
            .Import("ad", User("a1", email: "ann@example.com"))
            .Import("hr", User("h1", email: "old@example.com"), User("h2", email: "bob@example.com"));
        world.Apply(world.Plan());
        // h1 moves to a new address and frees old@; a1 (another source, planned first) and newcomer h3 want addresses.
        world.Import("ad", User("a1", email: "old@example.com"))
            .Import("hr", User("h1", email: "new@example.com"), User("h2", email: "bob@example.com"), User("h3", email: "ann@example.com"));

        var plan = world.Plan();

        Assert.Empty(plan.Conflicts);
        Assert.Equal(["update h1 new@example.com", "update a1 old@example.com", "create h3 ann@example.com"],
            plan.Changes.Select(c => $"{c.Verb} {c.ExternalId} {c.After.Email}"));
        Assert.True(world.Apply(plan).Plan().IsEmpty);
    }

    [Fact]
    public void Plan_TwoUsersSwappingEmailsAreBothConflictsAndKeepTheirOwn()
    {
        var world = new World().Source("hr").Mapping("all", "hr", 1).Import("hr", User("x", email: "x@example.com"), User("y", email: "y@example.com"));
        world.Apply(world.Plan());
        world.Import("hr", User("x", email: "y@example.com"), User("y", email: "x@example.com"));

        var plan = world.Plan();

        Assert.Empty(plan.Changes);
        Assert.Equal(2, plan.Conflicts.Count);
    }
}
