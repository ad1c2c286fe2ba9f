using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>The world changes after the first apply: rows leave and come back, mappings change, files break.</summary>
public sealed class DirectoryChangeTests
{
    [Fact]
    public async Task RemovedRow_IsPreserved_ThenRestoredWhenPutBack()
    {
        using var workspace = await Baseline.CloneAsync();
        var row = workspace.RemoveRow("u0050");

        var plan = await workspace.Plan();

        Expect.Exit(2, plan);
        var summary = PlanApplyTests.Summary(plan);
        Assert.Equal(1, Expect.Int(summary, "preserve"));
        Assert.Equal(0, Expect.Int(summary, "disable"));
        Assert.Equal(0, Expect.Int(summary, "create"));
        var preserve = Assert.Single(Workspace.ParseJson(plan).GetProperty("changes").EnumerateArray());
        Assert.Equal("preserve", Expect.Str(preserve, "action"));
        Assert.Equal(Samples.Salesperson, Expect.Str(preserve, "email"));
        Assert.Equal("everyone-else", Expect.Str(preserve, "mapping"));

        await workspace.ApplyOk();
        var preserved = await workspace.Users("Preserved");
        var kept = Assert.Single(preserved);
        Assert.Equal(Samples.Salesperson, Expect.Str(kept, "email"));
        Assert.Equal("Preserved", Expect.Str(kept, "state"));
        Assert.Equal(Samples.Created - 1, (await workspace.Users("Active")).Count);

        workspace.AppendRow(row);
        var back = await workspace.Plan();

        Expect.Exit(2, back);
        Assert.Equal(1, Expect.Int(PlanApplyTests.Summary(back), "restore"));
        var restore = Assert.Single(Workspace.ParseJson(back).GetProperty("changes").EnumerateArray());
        Assert.Equal("restore", Expect.Str(restore, "action"));
        Assert.Equal(Samples.Salesperson, Expect.Str(restore, "email"));

        await workspace.ApplyOk();
        Assert.Empty(await workspace.Users("Preserved"));
        Expect.Exit(0, await workspace.Plan());
    }

    [Fact]
    public async Task MappingStorageRegionChange_ShowsAsUpdateOfEveryUserOfIt()
    {
        using var workspace = await Baseline.CloneAsync();
        // standard-50g allows us-east and eu-west, so engineering may move
        workspace.Edit("mappings.yaml", "  profile: laptops-engineering\n  storageRegion: eu-west\n", "  profile: laptops-engineering\n  storageRegion: us-east\n");

        var plan = await workspace.Plan();

        Expect.Exit(2, plan);
        Assert.Equal(Samples.EngineeringUsers, Expect.Int(PlanApplyTests.Summary(plan), "update"));
        var changes = Workspace.ParseJson(plan).GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(Samples.EngineeringUsers, changes.Count);
        Assert.Contains(changes, c => Expect.Str(c, "email") == Samples.Engineer);
        Assert.All(changes, change =>
        {
            Assert.Equal("update", Expect.Str(change, "action"));
            Assert.Equal("engineering", Expect.Str(change, "mapping"));
            var fields = change.GetProperty("fields").EnumerateArray().ToList();
            Assert.Contains(fields, f => Expect.Str(f, "field") == "storageRegion" && Expect.Str(f, "from") == "eu-west" && Expect.Str(f, "to") == "us-east");
        });

        var table = await workspace.Plan(json: false);
        Expect.Exit(2, table);
        Expect.StdoutLine(table, l => l.Contains(Samples.Engineer, StringComparison.Ordinal)
            && l.Contains("storageRegion: eu-west → us-east", StringComparison.Ordinal));

        var revisionBefore = Expect.Str(Workspace.ParseJson(await workspace.Plan()), "revision");
        await workspace.ApplyOk();
        var eli = Expect.Only(await workspace.Users(), u => Expect.Str(u, "email") == Samples.Engineer, "eli");
        Assert.Equal("us-east", Expect.Str(eli, "storageRegion"));
        Expect.Exit(0, await workspace.Plan());

        // The audit log says what changed for whom, why, and under which configuration revision.
        var audit = await workspace.Run("audit", "--store", Workspace.StoreFile, "--output", "json", "--limit", "100");
        Expect.Exit(0, audit);
        var entries = Workspace.ParseJson(audit).EnumerateArray().ToList();
        var latest = entries.Where(e => Expect.Str(e, "action") == "update").ToList();
        Assert.Equal(Samples.EngineeringUsers, latest.Count);
        var eliUpdate = Assert.Single(latest, e => Expect.Str(e, "email") == Samples.Engineer);
        Assert.Equal("mapping engineering changed", Expect.Str(eliUpdate, "reason"));
        Assert.Equal(revisionBefore, Expect.Str(eliUpdate, "revision"));
        Assert.Contains(eliUpdate.GetProperty("fields").EnumerateArray(), f => Expect.Str(f, "field") == "storageRegion" && Expect.Str(f, "to") == "us-east");
        Assert.Contains(entries, e => Expect.Str(e, "action") == "create" && Expect.Str(e, "revision") != revisionBefore);
    }

    [Fact]
    public async Task MappingStorageRegionOutsideItsQuotaPolicy_IsRejected()
    {
        using var workspace = await Baseline.CloneAsync();
        // executive-1t only allows us-east
        workspace.Edit("mappings.yaml", "  profile: laptops-executive\n  storageRegion: us-east\n", "  profile: laptops-executive\n  storageRegion: eu-west\n");
        var before = workspace.StoreFingerprint();

        var validate = await workspace.Run("validate", Workspace.ConfigDir);
        var apply = await workspace.Apply();

        Expect.Exit(1, validate);
        Expect.StderrLine(validate, l => l.Contains("mappings.yaml:", StringComparison.Ordinal) && l.Contains("storageRegion", StringComparison.Ordinal));
        Expect.ClearError(apply);
        Assert.Equal(before, workspace.StoreFingerprint());
    }

    [Fact]
    public async Task DeletionGuard_HoldsBackMassRemoval_UntilAllowDeletions()
    {
        using var workspace = await Baseline.CloneAsync();
        workspace.WriteCsv(workspace.CsvLines().Take(6));   // header and u0001..u0005: 37 of 42 provisioned users vanish

        var apply = await workspace.Apply();

        Expect.Exit(2, apply);
        Expect.StderrLine(apply, l => l.Contains("deletion guard of source hr-export", StringComparison.Ordinal));
        Expect.Mentions("--allow-deletions", apply);
        Assert.Empty(await workspace.Users("Preserved"));
        Assert.Empty(await workspace.Users("Disabled"));
        Assert.Equal(Samples.Created, (await workspace.Users("Active")).Count);

        var planned = await workspace.Plan();
        Expect.Exit(2, planned);   // held-back removals still need an acknowledgement: a CI job must notice
        var plan = Workspace.ParseJson(planned);
        Assert.Equal(Samples.Created - 5, Expect.Int(plan.GetProperty("summary"), "blocked"));   // users held back
        var block = Assert.Single(plan.GetProperty("blocked").EnumerateArray());
        Assert.Equal("hr-export", Expect.Str(block, "source"));
        Assert.Equal(Samples.Created - 5, Expect.Int(block, "removals"));

        var allowed = await workspace.Apply("--allow-deletions");

        Expect.Exit(0, allowed);
        Assert.Equal(Samples.Created - 5, (await workspace.Users("Preserved")).Count);
        Assert.Equal(5, (await workspace.Users("Active")).Count);
    }

    [Fact]
    public async Task MalformedRow_IsSkippedWithItsLine_AndPreservesNobody()
    {
        using var workspace = await Baseline.CloneAsync();
        workspace.RemoveRow("u0049");                                            // would be a preserve on a complete import
        workspace.AppendRow("u0051,nnew,nora.new@example.com,Nora New");       // 4 fields instead of 11
        var line = workspace.CsvLines().Length;

        var apply = await workspace.Apply();

        Expect.Exit(0, apply);
        Expect.StderrLine(apply, l => l.Contains($"users.csv:{line}", StringComparison.Ordinal));
        var users = await workspace.Users();
        Assert.DoesNotContain(users, u => Expect.Str(u, "email") == "nora.new@example.com");
        Assert.Equal("Active", Expect.Str(Expect.Only(users, u => Expect.Str(u, "email") == "yara.reid@example.com", "yara"), "state"));
        Assert.Empty(await workspace.Users("Preserved"));
        Assert.Empty(await workspace.Users("Disabled"));
    }

    [Fact]
    public async Task NewRow_IsCreatedByTheNextApply()
    {
        using var workspace = await Baseline.CloneAsync();
        workspace.AppendRow("u0051,nnew,nora.new@example.com,Nora New,Nora,New,R&D,Engineer,all-staff;engineering,\"ou=people,dc=example,dc=com\",");

        var plan = await workspace.Plan();

        Expect.Exit(2, plan);
        var create = Assert.Single(Workspace.ParseJson(plan).GetProperty("changes").EnumerateArray());
        Assert.Equal("create", Expect.Str(create, "action"));
        Assert.Equal("nora.new@example.com", Expect.Str(create, "email"));
        Assert.Equal("engineering", Expect.Str(create, "mapping"));   // blank enabled = true
        await workspace.ApplyOk();
        Assert.Contains(await workspace.Users(), u => Expect.Str(u, "email") == "nora.new@example.com");
    }

    [Fact]
    public async Task MalformedRows_AreEachReportedWithTheirLine()
    {
        using var workspace = await Baseline.CloneAsync();
        workspace.AppendRow("u0051,nnew,nora.new@example.com,Nora New");
        var first = workspace.CsvLines().Length;
        workspace.AppendRow("u0052,onew,otto.new@example.com");
        var second = workspace.CsvLines().Length;

        var apply = await workspace.Apply();

        Expect.Exit(0, apply);
        Expect.StderrLine(apply, l => l.Contains($"users.csv:{first}:", StringComparison.Ordinal));
        Expect.StderrLine(apply, l => l.Contains($"users.csv:{second}:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(8, false)]   // 8 of 42 is within maxDeletePercent 20 (8.4 users)
    [InlineData(9, true)]    // 9 of 42 is beyond it
    public async Task DeletionGuard_Percent_HoldsBackOnlyBeyondTheLimit(int removed, bool held)
    {
        using var workspace = await Baseline.CloneAsync();
        foreach (var id in new[] { "u0050", "u0049", "u0047", "u0044", "u0043", "u0040", "u0039", "u0038", "u0037" }.Take(removed))
        {
            workspace.RemoveRow(id);
        }

        var plan = await workspace.Plan();

        var summary = PlanApplyTests.Summary(plan);
        Assert.Equal(held ? 0 : removed, Expect.Int(summary, "preserve"));
        Assert.Equal(held ? removed : 0, Expect.Int(summary, "blocked"));
        var apply = await workspace.Apply();
        Expect.Exit(held ? 2 : 0, apply);
        Assert.Equal(held ? 0 : removed, (await workspace.Users("Preserved")).Count);
    }

    [Fact]
    public async Task RemovedRow_OfAMappingThatDoesNotPreserve_IsDisabled_ThenRestored()
    {
        using var workspace = await Baseline.CloneAsync();
        workspace.Edit("mappings.yaml", "  filter: {}                 # matches every user\n  profile: laptops-standard\n  storageRegion: us-east\n  quotaPolicyRef: {name: standard-50g}\n",
            "  filter: {}\n  profile: laptops-standard\n  storageRegion: us-east\n  quotaPolicyRef: {name: standard-50g}\n  preserveUnmappedUsers: false\n");
        var row = workspace.RemoveRow("u0050");

        var plan = await workspace.Plan();

        Expect.Exit(2, plan);
        var disable = Assert.Single(Workspace.ParseJson(plan).GetProperty("changes").EnumerateArray());
        Assert.Equal("disable", Expect.Str(disable, "action"));
        Assert.Equal(Samples.Salesperson, Expect.Str(disable, "email"));
        await workspace.ApplyOk();
        Assert.Equal(Samples.Salesperson, Expect.Str(Assert.Single(await workspace.Users("Disabled")), "email"));
        Assert.Empty(await workspace.Users("Preserved"));

        workspace.AppendRow(row);
        var back = await workspace.Plan();
        Assert.Equal(1, Expect.Int(PlanApplyTests.Summary(back), "restore"));
        await workspace.ApplyOk();
        Assert.Empty(await workspace.Users("Disabled"));
    }

    [Fact]
    public async Task UserDisabledInTheDirectory_IsPreserved()
    {
        using var workspace = await Baseline.CloneAsync();
        var row = workspace.RemoveRow("u0050");
        Assert.EndsWith(",true", row);
        workspace.AppendRow(row[..^",true".Length] + ",no");

        var plan = await workspace.Plan();

        Expect.Exit(2, plan);
        var preserve = Assert.Single(Workspace.ParseJson(plan).GetProperty("changes").EnumerateArray());
        Assert.Equal("preserve", Expect.Str(preserve, "action"));
        Assert.Equal(Samples.Salesperson, Expect.Str(preserve, "email"));
    }

    [Fact]
    public async Task UserWhoChangesDepartment_MovesToTheMappingThatNowWins()
    {
        using var workspace = await Baseline.CloneAsync();
        var row = workspace.RemoveRow("u0005");
        workspace.AppendRow(row.Replace(",R&D,Engineer,", ",Sales,Engineer,", StringComparison.Ordinal));

        var plan = await workspace.Plan();

        Expect.Exit(2, plan);
        var update = Assert.Single(Workspace.ParseJson(plan).GetProperty("changes").EnumerateArray());
        Assert.Equal("update", Expect.Str(update, "action"));
        Assert.Equal("everyone-else", Expect.Str(update, "mapping"));
        var fields = update.GetProperty("fields").EnumerateArray().ToDictionary(f => Expect.Str(f, "field"), f => (Expect.Str(f, "from"), Expect.Str(f, "to")));
        Assert.Equal(("engineering", "everyone-else"), fields["mapping"]);
        Assert.Equal(("eu-west", "us-east"), fields["storageRegion"]);
        Assert.Equal(("R&D", "Sales"), fields["department"]);
    }

    [Fact]
    public async Task SecondUserClaimingAnEmail_IsAConflict_AndThePlanStaysEmpty()
    {
        using var workspace = await Baseline.CloneAsync();
        workspace.AppendRow("u0051,zbell2,zed.bell@example.com,Zed Two,Zed,Two,Sales,Account Manager,all-staff,\"ou=people,dc=example,dc=com\",true");

        var plan = await workspace.Plan();

        Expect.Exit(0, plan);
        var document = Workspace.ParseJson(plan);
        Assert.Equal(1, Expect.Int(document.GetProperty("summary"), "conflict"));
        var conflict = Assert.Single(document.GetProperty("conflicts").EnumerateArray());
        Assert.Equal("u0051", Expect.Str(conflict, "externalId"));
        Assert.Equal("u0050", Expect.Str(conflict, "ownerExternalId"));
        Assert.Equal(Samples.Salesperson, Expect.Str(conflict, "email"));
        await workspace.ApplyOk();
        var owners = (await workspace.Users()).Where(u => Expect.Str(u, "email") == Samples.Salesperson).ToList();
        Assert.Equal("zbell", Expect.Str(Assert.Single(owners), "userName"));
    }

    [Fact]
    public async Task ExtraCsvColumn_IsAnAttributeAFilterCanTest()
    {
        using var workspace = await Baseline.CloneAsync();
        var lines = workspace.CsvLines();
        workspace.WriteCsv(lines.Select((l, i) => i == 0 ? l + ",costCenter" : l.StartsWith("u0050,", StringComparison.Ordinal) ? l + ",CC-9" : l + ",CC-1"));
        workspace.Write("finance.yaml", """
            apiVersion: provisioning.reconciler.dev/v1alpha1
            kind: ProvisioningMapping
            metadata:
              name: finance
            spec:
              sourceRef: {name: hr-export}
              priority: 50
              filter:
                attributes:
                  - {name: costCenter, operator: Equals, values: [cc-9]}
              profile: laptops-finance
              storageRegion: eu-west
              quotaPolicyRef: {name: standard-50g}

            """);

        var plan = await workspace.Plan();

        Expect.Exit(2, plan);
        var update = Assert.Single(Workspace.ParseJson(plan).GetProperty("changes").EnumerateArray());
        Assert.Equal(Samples.Salesperson, Expect.Str(update, "email"));
        Assert.Equal("finance", Expect.Str(update, "mapping"));   // Equals is case-insensitive: CC-9 matches cc-9
    }

    [Fact]
    public async Task Plan_UnreadableSource_FailsWithoutClaimingNoChanges()
    {
        using var workspace = await Baseline.CloneAsync();
        // drop the required email column: the file cannot be trusted at all
        workspace.WriteCsv(workspace.CsvLines().Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 2))));

        var plan = await workspace.Plan(json: false);

        Expect.ClearError(plan);
        Expect.Mentions("email", plan);
        Assert.False(plan.Stdout.Contains("No changes", StringComparison.Ordinal), "a plan that could not read its source says \"No changes\":\n" + plan);
    }
}
