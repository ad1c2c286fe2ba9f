using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Tests.Sqlite;

/// <summary>Users, imported entries and changes made up for the tests.</summary>
public static class Sample
{
    /// <summary>A time with sub-millisecond ticks and a non-UTC offset, to prove timestamps round-trip exactly.</summary>
    public static readonly DateTimeOffset Now = new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.FromHours(2)).AddTicks(5358979);

    public static ProvisionedUser User(int i, string source = "corp") => new()
    {
        Source = source,
        ExternalId = $"id-{i:D7}",
        Details = new UserDetails
        {
            UserName = $"user{i}",
            Email = $"user{i}@example.com",
            DisplayName = $"User Müller {i}",
            GivenName = "User",
            Surname = $"Müller {i}",
            Department = i % 2 == 0 ? "R&D" : "Sales",
            Title = "Engineer",
        },
        State = UserState.Active,
        Mapping = "engineering",
        Profile = "laptops-standard",
        StorageRegion = "us-east",
        QuotaBytes = 50L << 30,
        QuotaPolicy = i % 3 == 0 ? null : "standard-50g",
        LoginMechanism = LoginMechanism.SingleSignOn,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    public static ImportedUser Imported(int i) => new()
    {
        Id = $"id-{i:D7}",
        Details = new UserDetails
        {
            UserName = $"user{i}",
            Email = $"user{i}@example.com",
            DisplayName = $"User {i}",
            GivenName = "User",
            Surname = $"{i}",
            Department = "R&D",
            Title = "Engineer",
        },
        Groups = i % 2 == 0 ? ["cn=eng,ou=groups,dc=example,dc=com", "cn=all;staff"] : [],
        OrganizationalUnit = "ou=people,dc=example,dc=com",
        Enabled = i % 5 != 0,
        Attributes = i % 2 == 0 ? new Dictionary<string, string> { ["costCenter"] = $"cc-{i}", ["quote\"d"] = "a,b" } : null,
    };

    public static ImportedRow Row(int i) => ImportedRow.Of(Imported(i));

    public static Create Create(ProvisionedUser user) => new(user, "matched engineering");

    public static Update Move(ProvisionedUser before, string region = "eu-west") => new(
        before, before with { StorageRegion = region, UpdatedAt = Now.AddMinutes(5) },
        [new FieldChange("storageRegion", before.StorageRegion, region)], $"mapping engineering moved to {region}");

    public static Preserve Preserve(ProvisionedUser before) =>
        new(before, before with { State = UserState.Preserved, UpdatedAt = Now.AddMinutes(10) }, "left the directory");

    public static Disable Disable(ProvisionedUser before) =>
        new(before, before with { State = UserState.Disabled, UpdatedAt = Now.AddMinutes(15) }, "stopped matching");

    public static Restore Restore(ProvisionedUser before) => new(
        before, before with { State = UserState.Active, UpdatedAt = Now.AddMinutes(20) },
        [new FieldChange("state", before.State.ToString(), "Active")], "matches again");

    public static ApplyContext Context(string revision = "rev-1") => new(revision, Now);
}
