namespace Reconciler.Testing.Directories;

/// <summary>How <see cref="SlapdServer.StartAsync"/> configures and fills the directory.</summary>
public sealed record SlapdOptions
{
    /// <summary>
    /// How many people to generate (see <see cref="GeneratedDirectory"/>); at least
    /// <see cref="GeneratedDirectory.MinimumUsers"/>, because the special entries live at fixed indexes.
    /// </summary>
    public int Users { get; init; } = 40;

    /// <summary>Serve ldaps:// on a second port and StartTLS on the plain one, with freshly generated certificates.</summary>
    public bool Tls { get; init; } = true;

    /// <summary>The suffix. Its first RDN must be <c>dc=</c>, <c>o=</c> or <c>ou=</c> (that decides the root entry's object class).</summary>
    public string BaseDN { get; init; } = "dc=example,dc=com";

    /// <summary>
    /// The server-wide size limit for everyone but the admin (the root DN is never limited).
    /// <see langword="null"/> means unlimited; set it for tests that need the server to cut a search.
    /// </summary>
    public int? SizeLimit { get; init; }

    /// <summary>
    /// LDIF appended to the generated data before it is loaded offline with slapadd. Overlays do not run offline:
    /// write any <c>memberOf:</c> values yourself. Entries here are not part of <see cref="SlapdServer.Data"/>.
    /// </summary>
    public string? ExtraLdif { get; init; }

    /// <summary>How long slapd may take to answer a root DSE search after it was started.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
