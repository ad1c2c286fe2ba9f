using Reconciler.Core.Directory;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Benchmarks;

/// <summary>
/// A synthetic organisation: N users spread over 50 group-based mappings of one source, the last of which
/// matches everyone, plus an attribute clause on every fifth mapping so matching does real work.
/// </summary>
public static class Workload
{
    public const string Source = "corp";
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static DesiredState Desired(int mappings = 50)
    {
        var list = new List<ProvisioningMapping>();
        for (var m = 0; m < mappings; m++)
        {
            var filter = m == mappings - 1
                ? new UserFilter()
                : new UserFilter
                {
                    Groups = [$"cn=team-{m:00},ou=groups,dc=example,dc=com"],
                    Attributes = m % 5 == 0
                        ? [new AttributeCondition { Name = "department", Operator = FilterOperator.NotIn, Values = ["Interns"] }]
                        : null,
                };
            list.Add(new ProvisioningMapping
            {
                Metadata = new ResourceMetadata { Name = $"mapping-{m:00}", Generation = 1 },
                Spec = new ProvisioningMappingSpec
                {
                    SourceRef = new ResourceRef { Name = Source },
                    Priority = m,
                    Filter = filter,
                    Profile = $"profile-{m % 7}",
                    StorageRegion = m % 2 == 0 ? "us-east" : "eu-west",
                    QuotaPolicyRef = new ResourceRef { Name = "standard" },
                },
            });
        }
        return new DesiredState
        {
            Sources = [new DirectorySource { Metadata = new ResourceMetadata { Name = Source }, Spec = new DirectorySourceSpec { Type = DirectorySourceType.Csv } }],
            Mappings = list,
            QuotaPolicies = [new StorageQuotaPolicy { Metadata = new ResourceMetadata { Name = "standard" }, Spec = new StorageQuotaPolicySpec { Quota = "50Gi" } }],
            Revision = "bench",
        };
    }

    public static ImportedUser[] Users(int count, int mappings = 50)
    {
        var users = new ImportedUser[count];
        for (var i = 0; i < count; i++)
        {
            var team = i % (mappings + 10); // some users are in no mapped team and fall through to the catch-all
            users[i] = new ImportedUser
            {
                Id = $"{i:x8}-0000-4000-8000-{i:x12}",
                Details = new UserDetails
                {
                    UserName = $"user{i}",
                    Email = $"user{i}@example.com",
                    DisplayName = $"User {i}",
                    GivenName = "User",
                    Surname = i.ToString(),
                    Department = i % 11 == 0 ? "Interns" : "Engineering",
                    Title = "Engineer",
                },
                Groups = ["cn=all-staff,ou=groups,dc=example,dc=com", $"cn=team-{team:00},ou=groups,dc=example,dc=com"],
                OrganizationalUnit = "ou=people,dc=example,dc=com",
            };
        }
        return users;
    }

    public static DirectorySnapshot Snapshot(ImportedUser[] users) =>
        new() { Source = Source, Users = users, Complete = true, ReadAt = T0 };
}
