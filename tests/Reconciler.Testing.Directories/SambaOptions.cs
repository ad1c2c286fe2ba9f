namespace Reconciler.Testing.Directories;

/// <summary>How <see cref="SambaDcServer.StartAsync"/> fills and waits for the domain controller.</summary>
public sealed record SambaOptions
{
    /// <summary>
    /// How many users to generate (see <see cref="GeneratedAdDirectory"/>); at least
    /// <see cref="GeneratedAdDirectory.MinimumUsers"/>, because the special accounts live at fixed indexes. Samba adds
    /// users with a password at roughly 25 a second, so keep this small.
    /// </summary>
    public int Users { get; init; } = 30;

    /// <summary>How long Samba may take to answer an LDAPS root DSE search after it was started.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long to wait for another <see cref="SambaDcServer"/> (in this or another process) to release the fixed
    /// LDAP ports 389/636 before giving up.
    /// </summary>
    public TimeSpan PortLockTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
