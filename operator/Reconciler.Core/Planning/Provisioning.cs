using Reconciler.Core.Directory;
using Reconciler.Core.Matching;
using Reconciler.Core.Registry;

namespace Reconciler.Core.Planning;

/// <summary>What a winning mapping makes of a user: the registry row it wants, and how that differs from today's.</summary>
public static class Provisioning
{
    public static ProvisionedUser New(string source, ImportedUser user, CompiledMapping mapping, DateTimeOffset now) => new()
    {
        Source = source,
        ExternalId = user.Id,
        Details = user.Details,
        State = UserState.Active,
        Mapping = mapping.Name,
        Profile = mapping.Spec.Profile,
        StorageRegion = mapping.Spec.StorageRegion,
        QuotaBytes = mapping.QuotaBytes,
        QuotaPolicy = mapping.QuotaPolicy,
        LoginMechanism = mapping.Spec.LoginMechanism,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>
    /// True when the existing active row already is what the mapping wants. Checked without allocating, since
    /// on a quiet day this is the whole plan.
    /// </summary>
    public static bool IsCurrent(ProvisionedUser row, ImportedUser user, CompiledMapping mapping, bool emailAllowed)
    {
        var spec = mapping.Spec;
        if (row.State != UserState.Active
            || !Same(row.Mapping, mapping.Name)
            || !Same(row.Profile, spec.Profile)
            || !Same(row.StorageRegion, spec.StorageRegion)
            || row.QuotaBytes != mapping.QuotaBytes
            || !Same(row.QuotaPolicy, mapping.QuotaPolicy)
            || row.LoginMechanism != spec.LoginMechanism)
        {
            return false;
        }
        if (!spec.AutoUpdateUserDetails) return true;
        return row.Details.SameApartFromEmail(user.Details) && (!emailAllowed || Same(row.Email, user.Email));
    }

    /// <summary>
    /// The row the mapping wants for an existing user. Directory details follow only when the mapping auto-updates;
    /// the email follows only when <paramref name="emailAllowed"/> (not blank, not owned by someone else).
    /// </summary>
    public static ProvisionedUser Desired(ProvisionedUser row, ImportedUser user, CompiledMapping mapping, bool emailAllowed, DateTimeOffset now)
    {
        var spec = mapping.Spec;
        var desired = row with
        {
            State = UserState.Active,
            Mapping = mapping.Name,
            Profile = spec.Profile,
            StorageRegion = spec.StorageRegion,
            QuotaBytes = mapping.QuotaBytes,
            QuotaPolicy = mapping.QuotaPolicy,
            LoginMechanism = spec.LoginMechanism,
            UpdatedAt = now,
        };
        if (!spec.AutoUpdateUserDetails) return desired;
        var details = emailAllowed || Same(row.Email, user.Email) ? user.Details : user.Details with { Email = row.Email };
        return desired with { Details = details };
    }

    /// <summary>The fields that differ between two rows, in the order a reader scans a plan.</summary>
    public static IReadOnlyList<FieldChange> Changes(ProvisionedUser before, ProvisionedUser after)
    {
        var changes = new List<FieldChange>();
        void Add(string field, string? from, string? to)
        {
            if (!Same(from, to)) changes.Add(new FieldChange(field, Show(from), Show(to)));
        }
        Add("state", before.State.ToString(), after.State.ToString());
        Add("mapping", before.Mapping, after.Mapping);
        Add("profile", before.Profile, after.Profile);
        Add("storageRegion", before.StorageRegion, after.StorageRegion);
        if (before.QuotaBytes != after.QuotaBytes)
        {
            changes.Add(new FieldChange("quota", Resources.Quantity.Format(before.QuotaBytes), Resources.Quantity.Format(after.QuotaBytes)));
        }
        Add("quotaPolicy", before.QuotaPolicy, after.QuotaPolicy);
        Add("loginMechanism", before.LoginMechanism.ToString(), after.LoginMechanism.ToString());
        if (!ReferenceEquals(before.Details, after.Details))
        {
            foreach (var field in UserDetails.Fields) Add(field.Name, field.Get(before.Details), field.Get(after.Details));
        }
        return changes;
    }

    private static bool Same(string? a, string? b) => string.Equals(a ?? "", b ?? "", StringComparison.Ordinal);

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value;
}
