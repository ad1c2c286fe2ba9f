using Reconciler.Core.Registry;

namespace Reconciler.Core.Planning;

/// <summary>
/// One change to the registry. <see cref="After"/> is the row as it will be stored;
/// <see cref="Reason"/> says why, in the product's words.
/// </summary>
public abstract record PlanAction(ProvisionedUser After, string Reason)
{
    public abstract string Verb { get; }
    public virtual ProvisionedUser? Before => null;
    public string Source => After.Source;
    public string ExternalId => After.ExternalId;
}

/// <summary>A new user matched by a mapping that auto-imports.</summary>
public sealed record Create(ProvisionedUser After, string Reason) : PlanAction(After, Reason)
{
    public override string Verb => "create";
}

/// <summary>
/// An active user whose provisioning (mapping, profile, region, quota, login) or directory details change.
/// </summary>
public sealed record Update(ProvisionedUser Previous, ProvisionedUser After, IReadOnlyList<FieldChange> Fields, string Reason)
    : PlanAction(After, Reason)
{
    public override string Verb => "update";
    public override ProvisionedUser? Before => Previous;
}

/// <summary>A user who stopped matching or left the directory, kept with its data.</summary>
public sealed record Preserve(ProvisionedUser Previous, ProvisionedUser After, string Reason) : PlanAction(After, Reason)
{
    public override string Verb => "preserve";
    public override ProvisionedUser? Before => Previous;
}

/// <summary>A user who stopped matching or left the directory, whose mapping does not preserve.</summary>
public sealed record Disable(ProvisionedUser Previous, ProvisionedUser After, string Reason) : PlanAction(After, Reason)
{
    public override string Verb => "disable";
    public override ProvisionedUser? Before => Previous;
}

/// <summary>A preserved or disabled user who matches again.</summary>
public sealed record Restore(ProvisionedUser Previous, ProvisionedUser After, IReadOnlyList<FieldChange> Fields, string Reason)
    : PlanAction(After, Reason)
{
    public override string Verb => "restore";
    public override ProvisionedUser? Before => Previous;
}

/// <summary>One field that changes, as shown in a plan: <c>storageRegion: us-east → eu-west</c>.</summary>
public sealed record FieldChange(string Field, string From, string To)
{
    public override string ToString() => $"{Field}: {From} → {To}";
}
