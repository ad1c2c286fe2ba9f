using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Tests.Sqlite;

/// <summary>Users, snapshots and plans made up for the tests.</summary>
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

    public static DirectorySnapshot Snapshot(int users, string source = "corp") => new()
    {
        Source = source,
        Users = Enumerable.Range(0, users).Select(Imported).ToList(),
        GroupsSeen = 2,
        Cursor = "usn:12345",
        ReadAt = Now,
        Duration = TimeSpan.FromMilliseconds(1234),
    };

    public static Plan Creates(int count, string source = "corp") => new()
    {
        Changes = Enumerable.Range(0, count).Select(i => (PlanAction)new Create(User(i, source), "matched engineering")).ToList(),
    };

    public static Plan Of(params PlanAction[] changes) => new() { Changes = changes };

    public static ApplyContext Context(string revision = "rev-1") => new(revision, Now);
}
