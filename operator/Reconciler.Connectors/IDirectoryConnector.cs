using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;

namespace Reconciler.Connectors;

/// <summary>
/// Reads one type of directory. One implementation per DirectorySource type; the engine calls it with the cursor
/// stored with the last committed snapshot and decides everything else (what changed, who is provisioned).
/// </summary>
public interface IDirectoryConnector
{
    DirectorySourceType Type { get; }

    /// <summary>
    /// Streams what the directory says, paging internally:
    /// <list type="bullet">
    /// <item>a full read yields every user as a <see cref="UserEntry"/>; users it does not yield are gone;</item>
    /// <item>a delta read (possible when <see cref="ReadContext.Cursor"/> is set) yields the users that changed since
    /// the cursor as <see cref="UserEntry"/> and the ones deleted as <see cref="DeletedEntry"/>; users it does not
    /// mention are unchanged. A delta with no entries says nothing changed. A directory that sends no notice of
    /// deletions may instead name every other user it still has as <see cref="PresentEntry"/> and end with
    /// <see cref="ReadEnd.EveryIdListed"/>: stored users it neither yielded nor named are then gone;</item>
    /// <item>a <see cref="ProblemEntry"/> for anything skipped (a malformed row, a truncated page): the read is then
    /// incomplete and nobody is preserved or disabled because of it;</item>
    /// <item>last, exactly one <see cref="ReadEnd"/> with the mode and the cursor to store with this read.</item>
    /// </list>
    /// A read that fails as a whole throws <see cref="DirectoryReadException"/> with its error class (nothing of it
    /// is used); cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    IAsyncEnumerable<DirectoryEntry> ReadAsync(DirectorySource source, ReadContext context, CancellationToken cancellationToken);
}

/// <param name="BaseDirectory">Folder of the file that declared the source; relative paths resolve against it.</param>
/// <param name="Cursor">The cursor stored with the last committed snapshot; null when there is none or a full read is due.</param>
/// <param name="Secrets">Resolves the source's credential references (env, file, Kubernetes Secret).</param>
/// <param name="Progress">Receives users read so far; null when nobody watches.</param>
public sealed record ReadContext(
    string BaseDirectory,
    string? Cursor,
    ISecretResolver Secrets,
    TimeProvider Clock,
    IProgress<ImportProgress>? Progress = null)
{
    /// <summary>
    /// The raw filters (<c>filter.ldapFilter</c>) of the source's mappings, distinct: a connector that can evaluate them
    /// marks each user the server matches (<see cref="Core.Directory.ServerFilter"/>), and must read everything again
    /// when they change, since unchanged users' marks would be stale.
    /// </summary>
    public IReadOnlyList<string> ServerFilters { get; init; } = [];
}

public sealed record ImportProgress(string Source, long UsersRead, long? TotalUsers);

/// <summary>One thing a directory read yields.</summary>
public abstract record DirectoryEntry;

/// <summary>A user as the directory has it now (full read: one of all users; delta read: added or changed).</summary>
/// <param name="Checked">
/// The connector already refused the user if <see cref="Core.Directory.ImportedUserCheck"/> finds a problem (and
/// named the file and line or the DN when it did), so the engine need not check it again.
/// </param>
public sealed record UserEntry(ImportedUser User, bool Checked = false) : DirectoryEntry;

/// <summary>A user the directory deleted (delta reads only).</summary>
public sealed record DeletedEntry(string Id) : DirectoryEntry;

/// <summary>A user a delta read did not yield because their entry did not change, but who is still there (ids only).</summary>
public sealed record PresentEntry(string Id) : DirectoryEntry;

/// <summary>Something the read skipped, naming the file and line, server or request; makes the read incomplete.</summary>
public sealed record ProblemEntry(string Message) : DirectoryEntry;

/// <summary>The end of a read: whether it was full or a delta, the cursor to store with it, and how many groups it saw.</summary>
/// <param name="EveryIdListed">A delta that yielded or named (<see cref="PresentEntry"/>) every user the directory has.</param>
public sealed record ReadEnd(ReadMode Mode, string? NextCursor, int GroupsSeen = 0, bool EveryIdListed = false) : DirectoryEntry;

public enum ReadMode { Full, Delta }

/// <summary>
/// A read that failed as a whole: nothing of it can be trusted, the stored snapshot stays, nobody is preserved or
/// disabled. The message names the server, file or request and the problem — never a secret.
/// </summary>
public sealed class DirectoryReadException(ErrorClass errorClass, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public ErrorClass ErrorClass { get; } = errorClass;

    /// <summary>When the directory said to come back (429/503 Retry-After); null otherwise.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
