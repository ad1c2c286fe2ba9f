using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Tests.Planning;

/// <summary>A small declarative world for planner tests: sources, mappings, policies, snapshots and a registry.</summary>
internal sealed class World
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    public List<DirectorySource> Sources { get; } = [];
    public List<ProvisioningMapping> Mappings { get; } = [];
    public List<StorageQuotaPolicy> Policies { get; } = [];
    public Dictionary<string, DirectorySnapshot> Snapshots { get; } = new();
    public List<ProvisionedUser> Registry { get; set; } = [];

    public World Source(string name, DeletionGuard? guard = null, bool suspend = false)
    {
        Sources.Add(new DirectorySource
        {
            Metadata = new ResourceMetadata { Name = name },
            Spec = new DirectorySourceSpec { Type = DirectorySourceType.Csv, DeletionGuard = guard ?? new DeletionGuard { MaxDeletePercent = 100 }, Suspend = suspend },
        });
        return this;
    }

    public World Mapping(string name, string source, int priority, UserFilter? filter = null, string profile = "standard",
        string region = "us-east", string? policy = null, string? quota = null, bool autoImport = true, bool autoUpdate = true,
        bool preserve = true)
    {
        Mappings.Add(new ProvisioningMapping
        {
            Metadata = new ResourceMetadata { Name = name },
            Spec = new ProvisioningMappingSpec
            {
                SourceRef = new ResourceRef { Name = source },
                Priority = priority,
                Filter = filter ?? new UserFilter(),
                Profile = profile,
                StorageRegion = region,
                QuotaPolicyRef = policy is null ? null : new ResourceRef { Name = policy },
                Quota = quota,
                AutoImportNewUsers = autoImport,
                AutoUpdateUserDetails = autoUpdate,
                PreserveUnmappedUsers = preserve,
            },
        });
        return this;
    }

    public World Policy(string name, string quota)
    {
        Policies.Add(new StorageQuotaPolicy { Metadata = new ResourceMetadata { Name = name }, Spec = new StorageQuotaPolicySpec { Quota = quota } });
        return this;
    }

    public World Import(string source, params ImportedUser[] users) => Snapshot(source, true, false, users);

    public World ImportIncomplete(string source, params ImportedUser[] users) => Snapshot(source, false, false, users);

    public World ImportFailed(string source) => Snapshot(source, false, true, []);

    private World Snapshot(string source, bool complete, bool failed, ImportedUser[] users)
    {
        Snapshots[source] = new DirectorySnapshot
        {
            Source = source,
            Users = users,
            Complete = complete && !failed,
            Failed = failed,
            Problems = complete && !failed ? [] : ["users.csv:7: broken row"],
        };
        return this;
    }

    public static ImportedUser User(string id, string? email = null, string[]? groups = null, string department = "",
        string ou = "", bool enabled = true, string? name = null) => new()
    {
        Id = id,
        Details = new UserDetails
        {
            UserName = id,
            Email = email ?? $"{id}@example.com",
            DisplayName = name ?? id.ToUpperInvariant(),
            Department = department,
        },
        Groups = groups ?? [],
        OrganizationalUnit = ou,
        Enabled = enabled,
    };

    public DesiredState Desired => new() { Sources = Sources, Mappings = Mappings, QuotaPolicies = Policies, Revision = "test" };

    public Plan Plan(bool allowDeletions = false, DateTimeOffset? now = null) =>
        ProvisioningPlanner.Plan(Desired, Snapshots, Registry, new PlanOptions(now ?? T0, allowDeletions));

    /// <summary>
    /// Applies a plan to the in-memory registry the way the store does: each change's After replaces its row (a row
    /// re-bound to a new id leaves its old one).
    /// </summary>
    public World Apply(Plan plan)
    {
        var rows = Registry.ToDictionary(r => (r.Source, r.ExternalId));
        foreach (var change in plan.Changes)
        {
            if (change.Before is { } before && before.ExternalId != change.ExternalId) rows.Remove((before.Source, before.ExternalId));
            rows[(change.Source, change.ExternalId)] = change.After;
        }
        Registry = rows.Values.ToList();
        return this;
    }

    public ProvisionedUser Row(string source, string id) => Registry.Single(r => r.Source == source && r.ExternalId == id);
}
