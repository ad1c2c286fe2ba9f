namespace Reconciler.Core.Directory;

/// <summary>The result of reading one source: its users, whether the read was complete, and what went wrong.</summary>
public sealed record DirectorySnapshot
{
    public required string Source { get; init; }
    public IReadOnlyList<ImportedUser> Users { get; init; } = [];
    public int GroupsSeen { get; init; }

    /// <summary>False when anything was skipped or failed: such a snapshot never preserves or disables anyone.</summary>
    public bool Complete { get; init; } = true;

    /// <summary>
    /// True when the read failed as a whole (file missing, server unreachable, broken quoting): nothing of it can be
    /// trusted, so the source is not planned at all and the last saved snapshot stays. Implies not complete.
    /// </summary>
    public bool Failed { get; init; }

    /// <summary>What made the read incomplete or what was skipped, each naming the file/line, server or request.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Incremental cursor (USN, deltaLink); null for full reads.</summary>
    public string? Cursor { get; init; }

    public DateTimeOffset ReadAt { get; init; }
    public TimeSpan Duration { get; init; }
}
