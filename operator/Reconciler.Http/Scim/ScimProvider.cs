using System.Text.Json.Nodes;
using Reconciler.Connectors.Scim;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Store.Contract;

namespace Reconciler.Http.Scim;

/// <summary>
/// The SCIM operations on one source's Users and Groups (RFC 7644 §3.3–3.6): each write is validated, stored in one
/// transaction with the imported entries it changes (a user; or the members whose groups a group write changed), and
/// then enqueues a reconcile of the source. Writes go through one writer that commits them in batches (see
/// <see cref="WriteLoopAsync"/>), so two requests never compute a user's groups from each other's half-done state.
/// </summary>
internal sealed class ScimProvider
{
    /// <summary>User writes committed together at most: one transaction, one write of the pages they share.</summary>
    private const int MaxBatch = 64;

    private readonly ScimOptions options;
    private readonly System.Threading.Channels.Channel<Job> _jobs =
        System.Threading.Channels.Channel.CreateUnbounded<Job>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });

    private readonly Task _writing;

    public ScimProvider(ScimOptions options)
    {
        this.options = options;
        _writing = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Takes no more writes (they get 503) and ends the writer once the writes already taken are stored: for when
    /// the host stops, before the store is closed.
    /// </summary>
    public Task StopAsync()
    {
        _jobs.Writer.TryComplete();
        return _writing;
    }

    public IScimStore Store => options.Store;

    public async Task<(JsonObject Resource, StoredScimResource Stored)> CreateAsync(DirectorySource source, ScimResourceType type, JsonObject body,
        CancellationToken ct)
    {
        var resource = Kept(ScimResource.Validate(body, type), type);
        // Time-ordered (UUIDv7): a new user's rows are appended to the store's tables, not inserted at random pages.
        var id = Guid.CreateVersion7().ToString();
        resource["id"] = id;
        // A new user depends on nothing stored (no group lists it yet), so its write is worked out here, on the
        // request's thread, and the one writer only stores it. A new group changes its members' entries, which are
        // read when its turn comes.
        Func<CancellationToken, Task<ScimWrite>> prepare = _ => PrepareAsync(source, type, id, resource, before: null);
        if (type == ScimResourceType.User)
        {
            var write = await prepare(ct);
            prepare = _ => Task.FromResult(write);
        }
        var stored = await SubmitAsync(new Job(source, type, id, prepare));
        return (resource, stored!);
    }

    public async Task<StoredScimResource> GetAsync(DirectorySource source, ScimResourceType type, string id, CancellationToken ct) =>
        await Store.GetResourceAsync(source.Key.QualifiedName, Kind(type), id, ct) ?? throw NotFound(type, id);

    public async Task<StoredScimResource> ReplaceAsync(DirectorySource source, ScimResourceType type, string id, JsonObject body, long? ifVersion,
        CancellationToken ct)
    {
        var resource = Kept(ScimResource.Validate(body, type), type);
        resource["id"] = id;
        return (await SubmitAsync(Existing(source, type, id, ifVersion, _ => resource)))!;
    }

    public async Task<StoredScimResource> PatchAsync(DirectorySource source, ScimResourceType type, string id, JsonNode body, long? ifVersion,
        CancellationToken ct) =>
        (await SubmitAsync(Existing(source, type, id, ifVersion, before =>
        {
            var patched = ScimPatch.Apply((JsonObject)JsonNode.Parse(before.Json)!, body, type);
            var resource = Kept(ScimResource.Validate(patched, type), type);
            resource["id"] = id;
            return resource;
        })))!;

    public async Task DeleteAsync(DirectorySource source, ScimResourceType type, string id, long? ifVersion, CancellationToken ct) =>
        await SubmitAsync(Existing(source, type, id, ifVersion, _ => null));

    /// <summary>
    /// A write of a stored resource: when its turn comes, the resource is read, the version the request named is
    /// checked, and <paramref name="change"/> says what it becomes (null: deleted).
    /// </summary>
    private Job Existing(DirectorySource source, ScimResourceType type, string id, long? ifVersion, Func<StoredScimResource, JsonObject?> change) =>
        new(source, type, id, async token =>
        {
            var before = await GetAsync(source, type, id, token);
            CheckVersion(before, ifVersion);
            return await PrepareAsync(source, type, id, change(before), before);
        });

    /// <summary>
    /// A write waiting for the writer: what it changes, and how to work out its store write from what is committed
    /// (the resource it replaces, the groups of a user) when its turn comes.
    /// </summary>
    private sealed class Job(DirectorySource source, ScimResourceType type, string id, Func<CancellationToken, Task<ScimWrite>> prepare)
    {
        public DirectorySource Source { get; } = source;
        public ScimResourceType Type { get; } = type;
        public string Id { get; } = id;
        public Func<CancellationToken, Task<ScimWrite>> Prepare { get; } = prepare;
        public TaskCompletionSource<StoredScimResource?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private Task<StoredScimResource?> SubmitAsync(Job job)
    {
        if (!_jobs.Writer.TryWrite(job)) throw new ScimException(503, null, "the SCIM writer has stopped");
        return job.Done.Task;
    }

    /// <summary>
    /// The one writer (a group commit): takes the waiting user writes, up to <see cref="MaxBatch"/> of distinct users,
    /// works each out from the committed state, and stores them in one transaction, each applied or refused on its
    /// own. A group write goes alone, since it changes the users it lists; a second write of one user waits for the
    /// next batch. Then the sources written are woken once.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        Job? carried = null;
        while (carried is not null || await _jobs.Reader.WaitToReadAsync())
        {
            if (carried is null && !_jobs.Reader.TryRead(out carried)) continue;
            var first = carried;
            carried = null;
            var batch = new List<Job> { first };
            if (first.Type == ScimResourceType.User)
            {
                var ids = new HashSet<string>(StringComparer.Ordinal) { first.Id };
                while (batch.Count < MaxBatch && _jobs.Reader.TryRead(out var next))
                {
                    if (next.Type != ScimResourceType.User || !ids.Add(next.Id))
                    {
                        carried = next;
                        break;
                    }
                    batch.Add(next);
                }
            }
            await WriteBatchAsync(batch);
        }
    }

    private async Task WriteBatchAsync(List<Job> batch)
    {
        var prepared = new List<(Job Job, ScimWrite Write)>(batch.Count);
        foreach (var job in batch)
        {
            try
            {
                prepared.Add((job, await job.Prepare(CancellationToken.None)));
            }
            catch (Exception e)
            {
                job.Done.TrySetException(e);
            }
        }
        if (prepared.Count == 0) return;
        try
        {
            var results = await Store.WriteResourcesAsync(prepared.Select(p => p.Write).ToList(), CancellationToken.None);
            // The sources are woken before anyone is answered: a provider that has its answer has its reconcile coming.
            foreach (var source in prepared.Where((_, i) => results[i].Refused is null).Select(p => p.Job.Source).DistinctBy(s => s.Key))
            {
                options.Enqueue(source);
            }
            for (var i = 0; i < prepared.Count; i++)
            {
                if (results[i].Refused is { } refused) prepared[i].Job.Done.TrySetException(refused);
                else prepared[i].Job.Done.TrySetResult(results[i].Stored);
            }
        }
        catch (Exception e)
        {
            foreach (var (job, _) in prepared) job.Done.TrySetException(e);
        }
    }

    /// <summary>
    /// What of a validated resource is kept: everything but the attributes a service provider never returns
    /// (<c>password</c>): Reconciler has no use for a password an identity provider sends, and keeps no copy of it.
    /// </summary>
    private static JsonObject Kept(JsonObject resource, ScimResourceType type)
    {
        foreach (var attribute in type.Schema.Attributes.Where(a => a.Returned == ScimReturned.Never))
        {
            foreach (var key in resource.Select(p => p.Key).Where(k => string.Equals(k, attribute.Name, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                resource.Remove(key);
            }
        }
        return resource;
    }

    /// <summary>
    /// The store write of a resource (null: its deletion) with the imported entries it changes, made against the
    /// version of <paramref name="before"/>; with no <paramref name="before"/>, a new resource, which no group lists
    /// yet (a new user's groups need not be looked up).
    /// </summary>
    private async Task<ScimWrite> PrepareAsync(DirectorySource source, ScimResourceType type, string id, JsonObject? resource,
        StoredScimResource? before)
    {
        var created = before is null;
        var ct = CancellationToken.None;
        var name = source.Key.QualifiedName;
        var now = options.Clock.GetUtcNow();
        var imported = new List<ImportedRow>();
        var removed = new List<string>();
        ScimResourceBody? body = null;
        if (type == ScimResourceType.User)
        {
            if (resource is null)
            {
                removed.Add(id);
            }
            else
            {
                imported.Add(Row(ScimUserMapping.ToImportedUser(id, resource, created ? [] : await GroupNamesAsync(name, id, null, new(), ct))));
                body = new ScimResourceBody(ScimResourceKeys.Name(resource, type), ScimResourceKeys.ExternalId(resource), resource.ToJsonString(), []);
            }
        }
        else
        {
            var members = resource is null ? [] : ScimResourceKeys.MemberIds(resource);
            var displayName = resource is null ? "" : ScimResourceKeys.Name(resource, type);
            if (resource is not null) body = new ScimResourceBody(displayName, ScimResourceKeys.ExternalId(resource), resource.ToJsonString(), members);
            var group = new GroupChange(id, resource is null ? null : displayName, members.ToHashSet(StringComparer.Ordinal));
            // The other groups' names, read once for all the members this write changes.
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var userId in Affected(before, group, displayName))
            {
                if (await Store.GetResourceAsync(name, ScimKind.User, userId, ct) is not { } user) continue;
                var json = (JsonObject)JsonNode.Parse(user.Json)!;
                imported.Add(Row(ScimUserMapping.ToImportedUser(userId, json, await GroupNamesAsync(name, userId, group, names, ct))));
            }
        }
        return new ScimWrite(name, Kind(type), id, before?.Version, body, now, imported, removed);
    }

    /// <summary>A group write's effect on its members: its new name (null: deleted) and members.</summary>
    private sealed record GroupChange(string Id, string? Name, HashSet<string> Members);

    /// <summary>The users whose groups change: members added or removed, and every member when the name changes.</summary>
    private static IEnumerable<string> Affected(StoredScimResource? before, GroupChange change, string newName)
    {
        var old = before?.Members.ToHashSet(StringComparer.Ordinal) ?? [];
        var renamed = before is not null && change.Name is not null
            && !string.Equals(GroupName(before), newName, StringComparison.Ordinal);
        var affected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var id in old) if (renamed || !change.Members.Contains(id)) affected.Add(id);
        foreach (var id in change.Members) if (renamed || !old.Contains(id)) affected.Add(id);
        return affected;
    }

    /// <summary>
    /// The displayNames of the groups a user is in, with <paramref name="change"/> laid over what is stored;
    /// <paramref name="known"/> holds the names already read by this write.
    /// </summary>
    private async Task<IReadOnlyList<string>> GroupNamesAsync(string source, string userId, GroupChange? change,
        Dictionary<string, string> known, CancellationToken ct)
    {
        var ids = (await Store.GroupsOfAsync(source, userId, ct)).ToHashSet(StringComparer.Ordinal);
        if (change is not null)
        {
            if (change.Name is not null && change.Members.Contains(userId)) ids.Add(change.Id);
            else ids.Remove(change.Id);
        }
        var names = new List<string>(ids.Count);
        foreach (var groupId in ids.Order(StringComparer.Ordinal))
        {
            if (change is not null && groupId == change.Id)
            {
                names.Add(change.Name!);
                continue;
            }
            if (!known.TryGetValue(groupId, out var name))
            {
                if (await Store.GetResourceAsync(source, ScimKind.Group, groupId, ct) is not { } group) continue;
                known[groupId] = name = GroupName(group);
            }
            names.Add(name);
        }
        return names;
    }

    private static string GroupName(StoredScimResource group) => ScimResourceKeys.Name((JsonObject)JsonNode.Parse(group.Json)!, ScimResourceType.Group);

    private static ImportedRow Row(ImportedUser user) =>
        ImportedUserCheck.Problem(user) is { } problem
            ? throw new ScimException(400, "invalidValue", problem)
            : ImportedRow.Of(user);

    private static void CheckVersion(StoredScimResource stored, long? ifVersion)
    {
        if (ifVersion is { } wanted && wanted != stored.Version)
        {
            throw new ScimException(412, null, $"the resource is at version {stored.Version}, not {wanted} (If-Match)");
        }
    }

    public static ScimKind Kind(ScimResourceType type) => type == ScimResourceType.User ? ScimKind.User : ScimKind.Group;

    public static ScimException NotFound(ScimResourceType type, string id) => new(404, null, $"{type.Name} {id} not found");

}
