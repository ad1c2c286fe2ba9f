using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Core.Text;

namespace Reconciler.Core.Planning;

/// <summary>
/// The plan under construction: where its changes go, its findings, per-mapping tallies and who owns which email
/// (the registry's owners as given, overlaid with what this plan releases and takes).
/// </summary>
internal sealed class PlanBook(IEmailOwners owners, IPlanSink sink, PlanOptions options)
{
    private readonly Dictionary<string, Counts> _tallies = new(StringComparer.Ordinal);
    // Emails taken or released in this plan, by a 128-bit hash of the email as compared (upper-cased): a million new
    // users must not keep a million rows, email or id strings alive, so who holds each email is kept as three small
    // numbers: the source's and the mapping's place in a table of names, and the id's place in an arena of UTF-8.
    private readonly Dictionary<Key128, Held> _emails = [];
    private readonly Names _names = new();
    private readonly Utf8Arena _ids = new();
    private readonly PlanCounts _counts = new();
    private readonly Dictionary<string, int> _undecided = new(StringComparer.Ordinal);

    /// <summary>Undecided users listed one by one per source; the rest are counted.</summary>
    public const int UndecidedListed = 100;

    public PlanOptions Options => options;
    public List<EmailConflict> Conflicts { get; } = [];
    public List<DeletionGuardBlock> Blocked { get; } = [];
    public List<PlanProblem> Problems { get; } = [];

    /// <summary>What is counted for one mapping while the plan is made.</summary>
    public sealed class Counts
    {
        public int Matched;
        public int Provisioned;
        public int Conflicts;
    }

    /// <summary>The tally of a mapping, by its name qualified with its namespace (see <see cref="ResourceKey.QualifiedName"/>).</summary>
    public Counts Tally(string qualifiedMapping)
    {
        if (!_tallies.TryGetValue(qualifiedMapping, out var tally))
        {
            tally = new Counts();
            _tallies[qualifiedMapping] = tally;
        }
        return tally;
    }

    public void Add(PlanAction action, string @namespace)
    {
        if (action.Before is { State: UserState.Active } before && _tallies.TryGetValue(Qualify(@namespace, before.Mapping), out var was))
        {
            was.Provisioned--;
        }
        if (action.After.State == UserState.Active) Tally(Qualify(@namespace, action.After.Mapping)).Provisioned++;
        _counts.Count(action);
        sink.Add(action);
    }

    /// <summary>Who owns an email (case-insensitively): whoever took it earlier in this plan, else the registry's owner.</summary>
    public EmailHolder? EmailOwner(string email)
    {
        if (_emails.TryGetValue(EmailKey.Of(email), out var held))
        {
            return held.Released ? null : new EmailHolder(_names[held.Source], _ids[held.Id], _names[held.Mapping]);
        }
        return owners.Find(email) is { } owner ? EmailHolder.Of(owner) : null;
    }

    /// <summary>
    /// The registry row holding an email as the plan began, when nothing in this plan has taken or released the
    /// email since; null otherwise.
    /// </summary>
    public ProvisionedUser? StoredEmailOwner(string email) =>
        _emails.ContainsKey(EmailKey.Of(email)) ? null : owners.Find(email);

    public void ClaimEmail(ProvisionedUser user) =>
        _emails[EmailKey.Of(user.Email)] = new Held(_names.Of(user.Source), _names.Of(user.Mapping), _ids.Add(user.ExternalId));

    /// <summary>A provisioned user's email changes: the old address is free again, the new one is theirs.</summary>
    public void MoveEmail(ProvisionedUser before, ProvisionedUser after)
    {
        if (before.Email.Length > 0 && EmailOwner(before.Email) is { } owner && owner.Source == before.Source && owner.ExternalId == before.ExternalId)
        {
            _emails[EmailKey.Of(before.Email)] = Held.Free;
        }
        if (after.Email.Length > 0) ClaimEmail(after);
    }

    public void Conflict(string source, string externalId, string email, string mapping, EmailHolder owner)
    {
        var sameSource = owner.Source == source;
        var reason = sameSource
            ? $"email {email} is already used by user {owner.ExternalId} of the same source"
            : $"email {email} is already provisioned from source {owner.Source} (user {owner.ExternalId}, mapping {owner.Mapping}); the earlier owner keeps it";
        Conflicts.Add(new EmailConflict(source, externalId, email, mapping, owner.Source, owner.ExternalId, reason, owner.Mapping));
        var claimant = Qualify(NamespaceOf(source), mapping);
        Tally(claimant).Conflicts++;
        var held = Qualify(NamespaceOf(owner.Source), owner.Mapping);
        if (held != claimant && owner.Mapping.Length > 0) Tally(held).Conflicts++;
    }

    /// <summary>A user whose mapping could not be decided: a problem naming the user, the mapping and the clause.</summary>
    public void Undecided(string source, string externalId, Matching.FilterTimeoutException timeout)
    {
        var count = _undecided.GetValueOrDefault(source) + 1;
        _undecided[source] = count;
        if (count > UndecidedListed) return;
        Problems.Add(new PlanProblem(source,
            $"source {source}: user {externalId}: {timeout.Message}; the user is left as they are (not created, updated, preserved or disabled)",
            externalId));
    }

    public PlanOutcome ToOutcome() => new()
    {
        Conflicts = Conflicts,
        Blocked = Blocked,
        Problems = [.. Problems, .. _undecided.Where(u => u.Value > UndecidedListed).Select(u => new PlanProblem(u.Key,
            $"source {u.Key}: {u.Value - UndecidedListed} more user(s) left as they are: their mapping could not be decided in time"))],
        Undecided = _undecided.ToDictionary(StringComparer.Ordinal),
        Mappings = _tallies.ToDictionary(t => t.Key, t => new MappingTally(t.Value.Matched, t.Value.Provisioned, t.Value.Conflicts), StringComparer.Ordinal),
        Summary = _counts.Summary(Conflicts.Count, Blocked.Sum(b => b.HeldBack.Count)),
    };

    public static string Qualify(string @namespace, string name) => ResourceKey.Qualify(@namespace, name);

    /// <summary>The namespace of a qualified source name (see <see cref="ResourceKey.QualifiedName"/>).</summary>
    public static string NamespaceOf(string qualifiedSource)
    {
        var slash = qualifiedSource.IndexOf('/');
        return slash < 0 ? ResourceKey.DefaultNamespace : qualifiedSource[..slash];
    }
}

/// <summary>Who holds an email in this plan, as places in the book's tables; <see cref="Free"/> when it was released.</summary>
internal readonly record struct Held(int Source, int Mapping, int Id)
{
    public static readonly Held Free = new(-1, -1, -1);

    public bool Released => Id < 0;
}

/// <summary>The few names a plan repeats (sources, mappings), each kept once and known by its place.</summary>
internal sealed class Names
{
    private readonly Dictionary<string, int> _places = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public string this[int place] => _names[place];

    public int Of(string name)
    {
        if (_places.TryGetValue(name, out var place)) return place;
        _places[name] = _names.Count;
        _names.Add(name);
        return _names.Count - 1;
    }
}

/// <summary>
/// Strings kept as UTF-8 in 1 MB chunks, each known by its place: a million ids cost their bytes and an offset,
/// not a million objects for the collector to trace.
/// </summary>
internal sealed class Utf8Arena
{
    private const int ChunkBytes = 1 << 20;
    private readonly List<byte[]> _chunks = [];
    private readonly List<long> _starts = [];
    private int _used = ChunkBytes;

    public string this[int place]
    {
        get
        {
            var start = _starts[place];
            var chunk = _chunks[(int)(start / ChunkBytes)];
            var at = (int)(start % ChunkBytes);
            var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(chunk.AsSpan(at));
            return System.Text.Encoding.UTF8.GetString(chunk, at + 2, length);
        }
    }

    public int Add(string text)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(text);
        // Ids are at most 256 characters (ImportedUserCheck); anything longer than a chunk could hold is refused loudly.
        if (length + 2 > ChunkBytes || length > ushort.MaxValue) throw new ArgumentException($"a value of {length:N0} bytes is too long to keep", nameof(text));
        if (_used + 2 + length > ChunkBytes)
        {
            _chunks.Add(new byte[ChunkBytes]);
            _used = 0;
        }
        var chunk = _chunks[^1];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(chunk.AsSpan(_used), (ushort)length);
        System.Text.Encoding.UTF8.GetBytes(text, chunk.AsSpan(_used + 2));
        _starts.Add((long)(_chunks.Count - 1) * ChunkBytes + _used);
        _used += 2 + length;
        return _starts.Count - 1;
    }
}

/// <summary>Who holds an email: enough to tell whether it is a user itself and to name it in a conflict.</summary>
internal sealed record EmailHolder(string Source, string ExternalId, string Mapping)
{
    public static EmailHolder Of(ProvisionedUser user) => new(user.Source, user.ExternalId, user.Mapping);
}
