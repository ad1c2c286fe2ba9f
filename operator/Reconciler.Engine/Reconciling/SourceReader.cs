using System.Runtime.InteropServices;
using Reconciler.Connectors;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Text;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>
/// Reads one source with its connector and compares what it yields with the stored snapshot, user by user, so that
/// only new and changed users are kept and later written. Nothing is written here.
/// </summary>
public sealed class SourceReader(IReadOnlyList<IDirectoryConnector> connectors, ISecretResolver secrets, TimeProvider clock,
    TimeSpan? idleTimeout = null)
{
    /// <summary>A read that yields nothing for this long is abandoned as a transient failure (a hung server, a pipe nobody writes).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(5);

    private readonly TimeSpan _idleTimeout = idleTimeout ?? DefaultIdleTimeout;

    private const int ProblemsKept = 100;

    /// <summary>The distinct raw LDAP filters of the mappings of a source, for <see cref="ReadContext.ServerFilters"/>.</summary>
    public static IReadOnlyList<string> ServerFiltersOf(DesiredState desired, DirectorySource source) =>
        Reconciliation.MappingsOf(desired, source).Select(m => m.Spec.Filter.LdapFilter?.Trim())
            .OfType<string>().Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public async Task<SourceRead> ReadAsync(
        DirectorySource source, string baseDirectory, IReconcilerStore? store, IProgress<ImportProgress>? progress,
        CancellationToken cancellationToken, IReadOnlyList<string>? serverFilters = null)
    {
        var name = source.Key.QualifiedName;
        var started = clock.GetTimestamp();
        var readAt = clock.GetUtcNow();
        SourceRecord? stored = null;
        IStoreSession? session = null;
        try
        {
            if (store is not null)
            {
                session = await store.OpenReadAsync(cancellationToken);
                stored = session.Source(name);
            }
            var connector = connectors.FirstOrDefault(c => c.Type == source.Spec.Type)
                ?? throw new DirectoryReadException(ErrorClass.Stalling, $"type {source.Spec.Type} is not supported yet");
            // A full read is done at least every spec.fullSyncInterval, even by connectors that can read deltas.
            var fullDue = stored?.FullReadAt is not { } full || readAt - full >= source.Spec.FullSyncEvery() || stored.Failed;
            var context = new ReadContext(baseDirectory, fullDue ? null : stored!.Cursor, secrets, clock, progress) { ServerFilters = serverFilters ?? [] };
            var comparison = new Comparison(session, name);
            ReadEnd? end = null;
            await foreach (var batch in ReadAhead(token => connector.ReadAsync(source, context, token), name, cancellationToken))
            {
                foreach (var entry in batch)
                {
                    if (end is not null) throw new DirectoryReadException(ErrorClass.Transient, $"source {name}: the connector yielded entries after the end of its read");
                    switch (entry)
                    {
                        case UserEntry user: comparison.User(user.User, user.Checked); break;
                        case DeletedEntry deleted: comparison.Deleted(deleted.Id); break;
                        case PresentEntry present: comparison.Present(present.Id); break;
                        case ProblemEntry problem: comparison.Problem(problem.Message); break;
                        case ReadEnd last: end = last; break;
                    }
                }
            }
            if (end is null) throw new DirectoryReadException(ErrorClass.Transient, $"source {name}: the read ended without saying whether it was complete");
            return comparison.Finish(source, stored, end, readAt, clock.GetElapsedTime(started));
        }
        catch (DirectoryReadException e)
        {
            return SourceRead.Failed(source, stored, e.ErrorClass, e.Message, e.RetryAfter, readAt, clock.GetElapsedTime(started));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException or System.Net.Http.HttpRequestException)
        {
            return SourceRead.Failed(source, stored, ErrorClass.Transient, $"source {name}: {SafeText.Show(e.Message, 300)}", null,
                readAt, clock.GetElapsedTime(started));
        }
        finally
        {
            if (session is not null) await session.DisposeAsync();
        }
    }

    /// <summary>
    /// Entries handed from the connector's thread to the comparison at a time, at most. Every hand-over wakes a
    /// sleeping thread, which costs far more than an entry: with 1,024 a million-user read spent a second of CPU in
    /// waking threads.
    /// </summary>
    private const int BatchSize = 8192;

    /// <summary>Batches the connector may read ahead of the comparison (about 20 MB of users at most).</summary>
    private const int BatchesAhead = 4;

    /// <summary>
    /// The connector's entries, read on a thread of their own a few batches ahead of the caller, so that parsing and
    /// comparing use a core each. A batch goes out when it is full or when the connector would wait, so a slow
    /// directory's entries are not held back. The read fails when the next batch takes longer than the idle timeout;
    /// a connector stuck where it cannot be cancelled (a blocking open of a pipe nobody writes) is abandoned, not
    /// awaited: it holds no lock and its result is never used.
    /// </summary>
    private async IAsyncEnumerable<DirectoryEntry[]> ReadAhead(Func<CancellationToken, IAsyncEnumerable<DirectoryEntry>> read, string name,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The connector gets its own token, cancelled when its read is abandoned or its reader stops early.
        var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = System.Threading.Channels.Channel.CreateBounded<DirectoryEntry[]>(
            new System.Threading.Channels.BoundedChannelOptions(BatchesAhead) { SingleReader = true, SingleWriter = true });
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var pump = Task.Run(async () =>
        {
            try
            {
                await using var entries = read(abandon.Token).GetAsyncEnumerator(abandon.Token);
                var batch = new List<DirectoryEntry>(BatchSize);
                while (true)
                {
                    var next = entries.MoveNextAsync();
                    if (!next.IsCompleted && batch.Count > 0)
                    {
                        await batches.Writer.WriteAsync([.. batch], abandon.Token);
                        batch.Clear();
                    }
                    if (!await next) break;
                    batch.Add(entries.Current);
                    if (batch.Count == BatchSize)
                    {
                        await batches.Writer.WriteAsync([.. batch], abandon.Token);
                        batch.Clear();
                    }
                }
                if (batch.Count > 0) await batches.Writer.WriteAsync([.. batch], abandon.Token);
            }
            catch (Exception e)
            {
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                batches.Writer.TryComplete();
            }
        }, CancellationToken.None);
        var abandoned = false;
        try
        {
            while (true)
            {
                if (!batches.Reader.TryRead(out var batch))
                {
                    bool more;
                    try
                    {
                        more = await batches.Reader.WaitToReadAsync(cancellationToken).AsTask().WaitAsync(_idleTimeout, clock, cancellationToken);
                    }
                    catch (Exception e) when (e is TimeoutException or OperationCanceledException)
                    {
                        abandoned = true;
                        if (e is OperationCanceledException) throw;
                        throw new DirectoryReadException(ErrorClass.Transient,
                            $"source {name}: the directory gave nothing for {GoDuration.Format(_idleTimeout)}; the read was abandoned");
                    }
                    if (!more)
                    {
                        // The pump has finished: its failure, if any, is the read's.
                        await pump;
                        failure?.Throw();
                        yield break;
                    }
                    continue;
                }
                yield return batch;
            }
        }
        finally
        {
            await abandon.CancelAsync();
            // A connector that stops on the cancellation is waited for a moment (it closes its files); one stuck where it
            // cannot be cancelled is left behind.
            if (!abandoned) await Task.WhenAny(pump, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            _ = pump.ContinueWith(_ => abandon.Dispose(), TaskScheduler.Default);
        }
    }

    /// <summary>The stored snapshot against which a read is compared, user by user.</summary>
    private sealed class Comparison(IStoreSession? session, string source)
    {
        // Keyed by ImportedRow.IdKey: a million stored ids as strings were a hundred megabytes the collector walked.
        private Dictionary<Key128, Seen>? _stored;
        private int _storedSeen;
        private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
        private readonly List<string> _problems = [];
        private int _problemsNotShown;
        private int _usersRead;

        public ChangedUsers Changes { get; } = new();

        private struct Seen(ulong fingerprint)
        {
            public readonly ulong Fingerprint = fingerprint;
            public bool Yielded;
        }

        public void User(ImportedUser user, bool isChecked = false)
        {
            if (!isChecked && ImportedUserCheck.Problem(user) is { } problem)
            {
                Problem($"user {SafeText.Show(user.Id, 80)}: {problem}; skipped");
                MarkSeen(user.Id);
                return;
            }
            _usersRead++;
            var stored = Stored();
            var key = ImportedRow.IdKey(user.Id);
            ref var seen = ref CollectionsMarshal.GetValueRefOrNullRef(stored, key);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref seen))
            {
                if (seen.Yielded)
                {
                    _usersRead--;
                    Problem($"user {SafeText.Show(user.Id, 80)} appears twice in one read; the second is skipped");
                    return;
                }
                seen.Yielded = true;
                _storedSeen++;
                _deleted.Remove(user.Id);
                // Encoded once: for its fingerprint, and when it differs, as the change kept.
                var data = ImportedRow.Encoded(user, out var fingerprint);
                if (fingerprint != seen.Fingerprint) Changes.Add(user, isNew: false, key, data, fingerprint);
                return;
            }
            _deleted.Remove(user.Id);
            if (!Changes.Add(user, isNew: true, key))
            {
                _usersRead--;
                Problem($"user {SafeText.Show(user.Id, 80)} appears twice in one read; the second is skipped");
            }
        }

        public void Deleted(string id)
        {
            if (Stored().ContainsKey(ImportedRow.IdKey(id)) && !Changes.Contains(id)) _deleted.Add(id);
        }

        /// <summary>A user a delta did not yield but names as still there: not gone, not changed.</summary>
        public void Present(string id) => MarkSeen(id);

        public void Problem(string message)
        {
            if (_problems.Count < ProblemsKept) _problems.Add(message);
            else _problemsNotShown++;
        }

        public SourceRead Finish(DirectorySource directorySource, SourceRecord? stored, ReadEnd end, DateTimeOffset readAt, TimeSpan duration)
        {
            var skipped = _problems.Count + _problemsNotShown;
            if (_problemsNotShown > 0) _problems.Add($"{_problemsNotShown} more problems not shown");
            var complete = _problems.Count == 0;
            // A full read removes whoever it did not yield (so does a delta that names every user it has); an
            // incomplete one removes nobody from the snapshot, since a user it skipped is not known to be gone.
            // The stored fingerprints are loaded here only for a read that can remove users: a delta that changed
            // nothing must not walk every stored user (over a million, that walk was most of a no-op pass).
            if ((end.Mode == ReadMode.Full || end.EveryIdListed) && complete && session is not null)
            {
                var storedUsers = Stored();
                // Some stored users were not yielded: the store names them (most reads yield everyone and skip this).
                if (_storedSeen < storedUsers.Count)
                {
                    foreach (var (id, _) in session.Fingerprints(source))
                    {
                        if (storedUsers.TryGetValue(ImportedRow.IdKey(id), out var seen) && !seen.Yielded) _deleted.Add(id);
                    }
                }
            }
            var importedBefore = stored?.ImportedUsers ?? 0;
            return new SourceRead
            {
                Source = directorySource,
                Stored = stored,
                Changes = Changes,
                Deleted = _deleted,
                Mode = end.Mode,
                Cursor = end.NextCursor,
                GroupsSeen = end.Mode == ReadMode.Full ? end.GroupsSeen : stored?.GroupsSeen ?? end.GroupsSeen,
                Problems = _problems,
                ImportedUsers = Math.Max(0, importedBefore + Changes.New - _deleted.Count),
                UsersRead = _usersRead,
                EntriesSkipped = skipped,
                ReadAt = readAt,
                Duration = duration,
            };
        }

        private void MarkSeen(string id)
        {
            ref var seen = ref CollectionsMarshal.GetValueRefOrNullRef(Stored(), ImportedRow.IdKey(id));
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref seen) || seen.Yielded) return;
            seen.Yielded = true;
            _storedSeen++;
        }

        /// <summary>The stored fingerprints, loaded on the first user: a delta that says nothing changed never loads them.</summary>
        private Dictionary<Key128, Seen> Stored()
        {
            if (_stored is not null) return _stored;
            _stored = [];
            if (session is null) return _stored;
            _stored.EnsureCapacity((int)Math.Min(session.Source(source)?.ImportedUsers ?? 0, 50_000_000));
            foreach (var (key, fingerprint) in session.FingerprintsByKey(source)) _stored[key] = new Seen(fingerprint);
            return _stored;
        }
    }
}

/// <summary>What one read of a source found, compared with the stored snapshot; nothing of it is stored yet.</summary>
public sealed record SourceRead
{
    public required DirectorySource Source { get; init; }

    /// <summary>The source's stored header when the read began (its snapshot sequence is checked at commit).</summary>
    public SourceRecord? Stored { get; init; }

    public ChangedUsers Changes { get; init; } = new();

    /// <summary>Ids of stored users the directory no longer has.</summary>
    public IReadOnlySet<string> Deleted { get; init; } = new HashSet<string>();

    public ReadMode Mode { get; init; }
    public string? Cursor { get; init; }
    public int GroupsSeen { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>
    /// Imported users in the snapshot once this read is stored (what status' usersSeen and the source's users metric
    /// say). After an incomplete read it still holds users whose rows were skipped: they are not taken for gone.
    /// </summary>
    public int ImportedUsers { get; init; }

    /// <summary>Users this read yielded and kept (a delta read yields only what changed).</summary>
    public int UsersRead { get; init; }

    /// <summary>Rows or entries this read skipped as malformed or repeated, counted past the problems it lists.</summary>
    public int EntriesSkipped { get; init; }

    public DateTimeOffset ReadAt { get; init; }
    public TimeSpan Duration { get; init; }

    /// <summary>Set when the read failed as a whole: nothing of it is used, the stored snapshot stays.</summary>
    public ErrorClass? Failure { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public string Name => Source.Key.QualifiedName;

    public bool IsFailed => Failure is not null;

    public bool Complete => !IsFailed && Problems.Count == 0;

    /// <summary>True when the snapshot changes: users were added, changed or removed.</summary>
    public bool SnapshotChanged => Changes.Count > 0 || Deleted.Count > 0;

    /// <summary>A source that is suspended is not read; its stored snapshot stays as it is.</summary>
    public static SourceRead Suspended(DirectorySource source) => new() { Source = source, Skipped = true };

    /// <summary>True when the source was not read at all (suspended): nothing of it is planned or written.</summary>
    public bool Skipped { get; init; }

    public static SourceRead Failed(
        DirectorySource source, SourceRecord? stored, ErrorClass errorClass, string message, TimeSpan? retryAfter,
        DateTimeOffset readAt, TimeSpan duration) => new()
    {
        Source = source,
        Stored = stored,
        Failure = errorClass,
        RetryAfter = retryAfter,
        Problems = [message],
        ImportedUsers = stored?.ImportedUsers ?? 0,
        Cursor = stored?.Cursor,
        GroupsSeen = stored?.GroupsSeen ?? 0,
        ReadAt = readAt,
        Duration = duration,
    };
}
