using System.Collections;
using System.Text.Json;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;
using Reconciler.Store.Sqlite;

namespace Reconciler.Store.Tests.Sqlite;

public sealed class SqliteRegistryTests : StoreTest
{
    [Fact]
    public async Task Apply_Creates_RegistryRoundTripsEveryFieldExactly()
    {
        var plan = Sample.Creates(10);

        var result = await Store.ApplyAsync(plan, Sample.Context(), default);

        Assert.Equal(new ApplyResult(10, 10), result);
        var loaded = (await Store.LoadRegistryAsync(default)).OrderBy(u => u.ExternalId).ToList();
        Assert.Equal(plan.Changes.Select(c => c.After), loaded);
        Assert.Equal(Sample.Now.Ticks, loaded[0].CreatedAt.ToOffset(Sample.Now.Offset).Ticks);
        Assert.Null(loaded[0].QuotaPolicy);
        Assert.Equal("standard-50g", loaded[1].QuotaPolicy);
    }

    [Fact]
    public async Task CountUsers_GivesEveryStateWithoutLoadingTheRegistry()
    {
        Assert.Equal([0, 0, 0], (await Store.CountUsersAsync(default)).OrderBy(c => c.Key).Select(c => c.Value));
        var plan = Sample.Creates(5);
        await Store.ApplyAsync(plan, Sample.Context(), default);
        var preserved = plan.Changes[0].After;
        await Store.ApplyAsync(Sample.Of(new Preserve(preserved, preserved with { State = UserState.Preserved }, "gone")), Sample.Context(), default);

        var counts = await Store.CountUsersAsync(default);

        Assert.Equal((4, 1, 0), (counts[UserState.Active], counts[UserState.Preserved], counts[UserState.Disabled]));
    }

    [Fact]
    public async Task Apply_UserWithEmptyFields_KeepsThemEmptyNotNull()
    {
        var sparse = new ProvisionedUser { Source = "corp", ExternalId = "x1", CreatedAt = Sample.Now, UpdatedAt = Sample.Now };

        await Store.ApplyAsync(Sample.Of(new Create(sparse, "")), Sample.Context(""), default);

        Assert.Equal(sparse, Assert.Single(await Store.LoadRegistryAsync(default)));
        Assert.Equal("", Assert.Single(await Store.ReadAuditAsync(1, default)).Reason);
    }

    [Fact]
    public async Task Apply_SamePlanTwice_SecondTimeWritesNothing()
    {
        var plan = Sample.Of(
            new Create(Sample.User(5), "new"),
            new Update(Sample.User(2), Sample.User(2) with { StorageRegion = "eu-west" },
                [new FieldChange("storageRegion", "us-east", "eu-west")], "region follows mapping"));
        await Store.ApplyAsync(Sample.Creates(3), Sample.Context(), default);
        Assert.Equal(new ApplyResult(2, 2), await Store.ApplyAsync(plan, Sample.Context(), default));
        var registry = await Store.LoadRegistryAsync(default);
        using var observer = Folder.Connect();
        var version = StoreFolder.Scalar(observer, "PRAGMA data_version");

        var second = await Store.ApplyAsync(plan, Sample.Context("rev-2"), default);

        Assert.Equal(new ApplyResult(0, 0), second);
        Assert.Equal(5, (await Store.ReadAuditAsync(100, default)).Count);
        Assert.Equal(registry.OrderBy(u => u.ExternalId), (await Store.LoadRegistryAsync(default)).OrderBy(u => u.ExternalId));
        Assert.Equal(version, StoreFolder.Scalar(observer, "PRAGMA data_version"));
    }

    [Fact]
    public async Task Apply_ChangeOfTimestampsOnly_WritesNothing()
    {
        await Store.ApplyAsync(Sample.Creates(1), Sample.Context(), default);
        var later = Sample.User(0) with { UpdatedAt = Sample.Now.AddHours(1), CreatedAt = Sample.Now.AddHours(1) };

        var result = await Store.ApplyAsync(Sample.Of(new Update(Sample.User(0), later, [], "nothing")), Sample.Context(), default);

        Assert.Equal(new ApplyResult(0, 0), result);
        Assert.Equal(Sample.Now, (await Store.LoadRegistryAsync(default)).Single().UpdatedAt);
    }

    [Fact]
    public async Task Apply_Update_StoresRowAndAuditsTheFieldChanges()
    {
        await Store.ApplyAsync(Sample.Creates(1), Sample.Context(), default);
        var after = Sample.User(0) with { StorageRegion = "eu-west", QuotaBytes = 0, UpdatedAt = Sample.Now.AddMinutes(5) };
        var change = new Update(Sample.User(0), after,
            [new FieldChange("storageRegion", "us-east", "eu-west"), new FieldChange("quota", "50Gi", "unlimited")],
            "mapping engineering moved to eu-west");

        await Store.ApplyAsync(Sample.Of(change), new ApplyContext("abc123", Sample.Now.AddMinutes(5)), default);

        Assert.Equal(after, (await Store.LoadRegistryAsync(default)).Single());
        var entry = (await Store.ReadAuditAsync(1, default)).Single();
        Assert.Equal(("update", "corp", "id-0000000", "user0@example.com", "engineering", "abc123"),
            (entry.Action, entry.Source, entry.ExternalId, entry.Email, entry.Mapping, entry.Revision));
        Assert.Equal("mapping engineering moved to eu-west", entry.Reason);
        Assert.Equal(Sample.Now.AddMinutes(5), entry.At);
        var details = JsonDocument.Parse(entry.Details).RootElement;
        Assert.Equal("storageRegion", details[0].GetProperty("field").GetString());
        Assert.Equal("eu-west", details[0].GetProperty("to").GetString());
        Assert.Equal("unlimited", details[1].GetProperty("to").GetString());
    }

    [Fact]
    public async Task Apply_FailureInSecondChange_LeavesRegistryAndAuditUnchanged()
    {
        await Store.ApplyAsync(Sample.Creates(1), Sample.Context(), default);
        var plan = Sample.Of(
            new Create(Sample.User(7), "new"),
            new Preserve(Sample.User(0), Sample.User(0) with { State = UserState.Preserved }, "left the directory"),
            new Create(Sample.User(8) with { QuotaBytes = -1 }, "a row the table refuses"));

        var e = await Assert.ThrowsAsync<StoreException>(() => Store.ApplyAsync(plan, Sample.Context(), default));

        Assert.Contains("CHECK constraint", e.Message);
        Assert.Equal([Sample.User(0)], await Store.LoadRegistryAsync(default));
        Assert.Single(await Store.ReadAuditAsync(100, default));
    }

    [Fact]
    public async Task Apply_CancelledMidPlan_LeavesRegistryAndAuditUnchanged()
    {
        using var cancellation = new CancellationTokenSource();
        var changes = Sample.Creates(5000).Changes;
        var plan = new Plan { Changes = new CancelsWhenRead(changes, at: 1500, cancellation) };

        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.ApplyAsync(plan, Sample.Context(), cancellation.Token));

        Assert.Empty(await Store.LoadRegistryAsync(default));
        Assert.Empty(await Store.ReadAuditAsync(100, default));
    }

    [Fact]
    public async Task ListUsers_FiltersByStateAndOrdersBySourceThenEmail()
    {
        var plan = Sample.Of(
            new Create(Sample.User(2, "b-ldap") with { Details = Sample.User(2).Details with { Email = "zed@example.com" } }, "new"),
            new Create(Sample.User(3, "a-csv") with { Details = Sample.User(3).Details with { Email = "bob@example.com" } }, "new"),
            new Create(Sample.User(4, "a-csv") with { Details = Sample.User(4).Details with { Email = "amy@example.com" }, State = UserState.Preserved }, "new"),
            new Create(Sample.User(5, "b-ldap") with { Details = Sample.User(5).Details with { Email = "al@example.com" }, State = UserState.Disabled }, "new"));
        await Store.ApplyAsync(plan, Sample.Context(), default);

        var all = await Store.ListUsersAsync(null, default);
        var preserved = await Store.ListUsersAsync(UserState.Preserved, default);
        var active = await Store.ListUsersAsync(UserState.Active, default);

        Assert.Equal(["amy@example.com", "bob@example.com", "al@example.com", "zed@example.com"], all.Select(u => u.Email));
        Assert.Equal(["amy@example.com"], preserved.Select(u => u.Email));
        Assert.Equal(["bob@example.com", "zed@example.com"], active.Select(u => u.Email));
    }

    [Fact]
    public async Task ReadAudit_ReturnsNewestFirstUpToTheLimit()
    {
        await Store.ApplyAsync(Sample.Creates(3), Sample.Context("rev-1"), default);
        var preserved = Sample.User(1) with { State = UserState.Preserved };
        await Store.ApplyAsync(Sample.Of(new Preserve(Sample.User(1), preserved, "stopped matching")), Sample.Context("rev-2"), default);
        await Store.ApplyAsync(Sample.Of(new Restore(preserved, Sample.User(1),
            [new FieldChange("state", "Preserved", "Active")], "matches again")), Sample.Context("rev-3"), default);

        var entries = await Store.ReadAuditAsync(3, default);

        Assert.Equal(["restore", "preserve", "create"], entries.Select(e => e.Action));
        Assert.Equal(["rev-3", "rev-2", "rev-1"], entries.Select(e => e.Revision));
        Assert.True(entries[0].Id > entries[1].Id);
        Assert.Equal("[]", entries[1].Details);
        Assert.Contains("Preserved", entries[0].Details);
        Assert.Equal(5, (await Store.ReadAuditAsync(100, default)).Count);
    }

    /// <summary>A plan's change list that cancels the apply when the store reaches a given change.</summary>
    private sealed class CancelsWhenRead(IReadOnlyList<PlanAction> changes, int at, CancellationTokenSource cancellation)
        : IReadOnlyList<PlanAction>
    {
        public PlanAction this[int index]
        {
            get
            {
                if (index == at) cancellation.Cancel();
                return changes[index];
            }
        }

        public int Count => changes.Count;

        public IEnumerator<PlanAction> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
