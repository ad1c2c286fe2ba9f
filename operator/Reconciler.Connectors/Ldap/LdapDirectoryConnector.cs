using System.DirectoryServices.Protocols;
using System.Runtime.CompilerServices;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// Imports users from an LDAP directory (OpenLDAP and the like): binds as <c>spec.ldap.bindDN</c>, reads the groups
/// under <c>groupBaseDN</c> (for nested membership), then pages through the users under <c>baseDN</c> that match
/// <c>userFilter</c>, streaming each page on to the engine. A read given its previous cursor reads only the users changed since
/// (OpenLDAP: entryCSN or modifyTimestamp, see <see cref="LdapCursor"/>; AD: uSNChanged, see <see cref="AdCursor"/>)
/// and names everyone else by an id-only search; a changed group or spec means a full read.
/// <para>
/// Fields come from the attributes <see cref="LdapAttributes"/> names (entryUUID, uid, mail, cn, givenName, sn,
/// departmentNumber, title unless <c>spec.attributes</c> says otherwise); groups from memberOf and the groups' member
/// lists, nested ones expanded; the organizational unit is the entry's parent DN; a user with
/// <c>pwdAccountLockedTime</c> (a password-policy lock) is disabled.
/// </para>
/// <para>
/// A read that cannot finish (bind refused, server unreachable, a timeout, a size or time limit, a lost connection,
/// paging that never ends, a base DN that does not exist, an invalid filter, a configured attribute no entry has)
/// fails as a whole, so the stored snapshot stays and nobody is preserved or disabled. Entries it must skip (no id,
/// a duplicate id, a value with control characters) make it incomplete.
/// </para>
/// </summary>
public sealed class LdapDirectoryConnector(LdapDialect dialect) : IDirectoryConnector
{
    private const string GroupFilter = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))";

    public LdapDirectoryConnector() : this(LdapDialect.Ldap)
    {
    }

    public DirectorySourceType Type => dialect.Type;

    public async IAsyncEnumerable<DirectoryEntry> ReadAsync(
        DirectorySource source, ReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var settings = source.Spec.Ldap ?? throw Stalling(source, "spec.ldap is not set");
        // Refuses settings with a problem (LdapSettings.Problems), so what follows may take them as valid.
        var endpoint = LdapEndpoint.Parse(source, context.BaseDirectory);
        var timeout = settings.TimeoutSpan();
        var pageSize = settings.PageSize;
        var password = settings.BindPassword is { } reference
            ? await context.Secrets.ResolveAsync(reference, new SecretScope(source.Key, "spec.ldap.bindPassword", context.BaseDirectory), cancellationToken)
            : null;
        var attributes = LdapAttributes.For(source, dialect);

        var filter = UserFilter(settings, dialect);
        var fingerprint = LdapCursor.FingerprintOf(settings, filter, attributes.Requested.Concat(context.ServerFilters));
        var hasGroups = !string.IsNullOrWhiteSpace(settings.GroupBaseDN);
        var read = new Read(source, settings, attributes, pageSize, context, cancellationToken);

        var bindDn = string.IsNullOrWhiteSpace(settings.BindDN) ? null : settings.BindDN.Trim();
        using var session = await LdapSession.OpenAsync(endpoint, bindDn, password, timeout, cancellationToken);
        read.Session = session;

        // What the stored cursor allows: the filter of the users changed since (null: read everything), and the
        // cursor this read leaves when it completes.
        string? changedFilter;
        Func<string?> next;
        if (dialect.IsActiveDirectory)
        {
            read.Domain = await DomainAsync(session, settings, pageSize, cancellationToken);
            var now = await AdCursor.CurrentAsync(session, context.Clock.GetUtcNow(), fingerprint, cancellationToken);
            var before = AdCursor.Parse(context.Cursor, now);
            // memberOf is a back-link in AD: adding a user to a group changes the group's uSNChanged, not the user's.
            // Any changed group may change someone's groups, so it means a full read, wherever the group lives.
            var groupBase = hasGroups ? settings.GroupBaseDN!.Trim() : DomainOf(settings.BaseDN) is { Length: > 0 } domain ? domain : settings.BaseDN;
            if (before is not null && await read.AnyGroupChangedAsync(groupBase, before.Changed, "uSNChanged", _ => true)) before = null;
            changedFilter = before is null ? null : $"(&{filter}{before.UsersChangedOrExpiredBy(now)})";
            next = now.ToString;
        }
        else
        {
            var cursor = LdapCursor.Parse(context.Cursor, fingerprint);
            // A group changed since the last read may change the nested groups of users whose own entries did not.
            if (cursor is not null && hasGroups && await read.AnyGroupChangedAsync(settings.GroupBaseDN!,
                    cursor.GroupsAt.Length == 0 ? null : cursor.ChangedSince(cursor.GroupsAt), cursor.Attribute,
                    at => at is null || cursor.After(at, cursor.GroupsAt)))
            {
                cursor = null;
            }
            changedFilter = cursor is null ? null : cursor.UsersAt.Length == 0 ? filter : $"(&{filter}{cursor.ChangedSince(cursor.UsersAt)})";
            next = () => read.Cursor(fingerprint, cursor)?.ToString();
        }

        if (changedFilter is null)
        {
            if (hasGroups) await read.GroupsAsync();
            await read.ServerFiltersAsync(filter);
            await foreach (var entry in read.UsersAsync(filter, checkAttributes: true)) yield return entry;
            yield return new ReadEnd(ReadMode.Full, read.Complete ? next() : null, read.Groups.Count);
            yield break;
        }

        // Incremental: the users whose entry changed since the cursor, then an id-only search that names everyone
        // else, so users deleted from the directory (or moved out of baseDN, or no longer matching the filter) are
        // noticed on this very pass, whether or not the directory keeps a record of deletions. The id-only search
        // runs on a connection of its own beside the other (on a 100,000-user slapd they took 1.0 s and 0.5 s one
        // after the other); what it finds waits in a bounded buffer, since an id is only present once it is known
        // not to be among the changed users.
        using var idSession = await LdapSession.OpenAsync(endpoint, bindDn, password, timeout, cancellationToken);
        var ids = System.Threading.Channels.Channel.CreateBounded<(string? Id, string Dn)>(
            new System.Threading.Channels.BoundedChannelOptions(IdsBuffered) { SingleReader = true, SingleWriter = true });
        using var stopListing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listing = ListIdsAsync(idSession, settings.BaseDN, filter, attributes, pageSize, ids.Writer, stopListing.Token);
        try
        {
            var changed = new List<SearchResultEntry>();
            await foreach (var entry in session.SearchAsync(settings.BaseDN, changedFilter, attributes.Requested, pageSize, "changed users", cancellationToken))
            {
                changed.Add(entry);
            }
            if (changed.Count > 0 && hasGroups) await read.GroupsAsync();
            if (changed.Count > 0) await read.ServerFiltersAsync(filter);
            foreach (var entry in read.Users(changed)) yield return entry;
            await foreach (var (id, dn) in ids.Reader.ReadAllAsync(cancellationToken))
            {
                if (id is null)
                {
                    read.Incomplete();
                    yield return new ProblemEntry($"{session.Server}: entry '{SafeText.Show(dn, 200)}' has no {attributes.Id} (spec.attributes.id): skipped");
                }
                else if (!read.Yielded(id))
                {
                    yield return new PresentEntry(id);
                }
            }
            // The buffer also ends when the listing fails: then the read fails with it, naming nobody as gone.
            await listing;
        }
        finally
        {
            // Ended early (the search for changed users failed, or the caller stopped): stop the listing and observe it.
            await stopListing.CancelAsync();
            await listing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        yield return new ReadEnd(ReadMode.Delta, read.Complete ? next() : null, hasGroups ? read.Groups.Count : 0, EveryIdListed: read.Complete);
    }

    /// <summary>How many ids of an incremental read's id-only search wait for the changed users to be yielded.</summary>
    private const int IdsBuffered = 65_536;

    /// <summary>Every user's id (null: the entry has none) and DN, into <paramref name="ids"/>, which it completes when it ends.</summary>
    private static async Task ListIdsAsync(LdapSession session, string baseDn, string filter, LdapAttributes attributes, int pageSize,
        System.Threading.Channels.ChannelWriter<(string? Id, string Dn)> ids, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var entry in session.SearchAsync(baseDn, filter, [attributes.Id], pageSize, "user ids", cancellationToken))
            {
                await ids.WriteAsync((attributes.IdOf(entry), entry.DistinguishedName), cancellationToken);
            }
        }
        finally
        {
            ids.TryComplete();
        }
    }

    /// <summary>One read's state: the group graph, the ids yielded, the newest timestamps seen, whether it skipped anything.</summary>
    private sealed class Read(DirectorySource source, LdapSettings settings, LdapAttributes attributes, int pageSize, ReadContext context,
        CancellationToken cancellationToken)
    {
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _seen = new(StringComparer.OrdinalIgnoreCase);
        private readonly Marks _users = new(), _groups = new();
        private long _read;

        public LdapSession Session { get; set; } = null!;

        /// <summary>The NetBIOS name of an AD domain, for logon names (DOMAIN\\sAMAccountName).</summary>
        public string? Domain { get; set; }

        public GroupGraph Groups { get; private set; } = GroupGraph.Empty;

        public bool Complete { get; private set; } = true;

        public void Incomplete() => Complete = false;

        public bool Yielded(string id) => _ids.Contains(id);

        /// <summary>
        /// The cursor after this read: of the previous one's kind (a delta), or of the best kind every entry had (a full
        /// read); null when entries had neither mark (then every read is full).
        /// </summary>
        public LdapCursor? Cursor(string fingerprint, LdapCursor? before)
        {
            var kind = before?.Kind ?? (_users.AllCsn && _groups.AllCsn ? LdapCursor.Csn : _users.AllTs && _groups.AllTs ? LdapCursor.Timestamp : null);
            if (kind is null || !_users.All(kind) || !_groups.All(kind)) return null;
            var users = LdapCursor.Later(before?.UsersAt ?? "", _users.Latest(kind));
            var groups = _groups.Seen ? _groups.Latest(kind) : before?.GroupsAt ?? "";
            return new LdapCursor(kind, users, groups, fingerprint);
        }

        /// <summary>
        /// Whether a group under <paramref name="groupBase"/> matching <paramref name="changedClause"/> (null: any group)
        /// changed after the cursor, as <paramref name="isLater"/> judges its <paramref name="markAttribute"/>.
        /// </summary>
        public async Task<bool> AnyGroupChangedAsync(string groupBase, string? changedClause, string markAttribute, Func<string?, bool> isLater)
        {
            var since = changedClause is null ? GroupFilter : $"(&{GroupFilter}{changedClause})";
            await foreach (var group in Session.SearchAsync(groupBase, since, [markAttribute], pageSize, "changed groups", cancellationToken))
            {
                if (isLater(LdapAttributes.FirstValue(group, markAttribute))) return true;
            }
            return false;
        }

        // Per raw filter of the mappings: the attribute that marks a match, and the ids the server matched.
        private readonly List<(string Key, HashSet<string> Ids)> _serverFilters = [];

        /// <summary>Asks the server which users match each mapping's raw filter (ids only).</summary>
        public async Task ServerFiltersAsync(string userFilter)
        {
            foreach (var clause in context.ServerFilters)
            {
                var ids = new HashSet<string>(StringComparer.Ordinal);
                await foreach (var entry in Session.SearchAsync(settings.BaseDN, $"(&{userFilter}{clause})", [attributes.Id], pageSize,
                    $"users matching the mapping filter {clause}", cancellationToken))
                {
                    if (attributes.IdOf(entry) is { } id) ids.Add(id);
                }
                _serverFilters.Add((ServerFilter.Key(clause), ids));
            }
        }

        private ImportedUser Marked(ImportedUser user)
        {
            if (_serverFilters.Count == 0) return user;
            Dictionary<string, string>? attributes = null;
            foreach (var (key, ids) in _serverFilters)
            {
                if (!ids.Contains(user.Id)) continue;
                attributes ??= user.Attributes is null ? new(StringComparer.Ordinal) : new(user.Attributes, StringComparer.Ordinal);
                attributes[key] = "true";
            }
            return attributes is null ? user : user with { Attributes = attributes };
        }

        public async Task GroupsAsync()
        {
            var groups = new GroupGraph();
            await foreach (var group in Session.SearchAsync(settings.GroupBaseDN!, GroupFilter, ["member", "uniqueMember", LdapAttributes.ModifiedAttribute, LdapAttributes.CsnAttribute],
                pageSize, "groups", cancellationToken))
            {
                groups.Add(group.DistinguishedName, Values(group, "member").Concat(Values(group, "uniqueMember")));
                _groups.Add(LdapAttributes.FirstValue(group, LdapAttributes.CsnAttribute), LdapAttributes.FirstValue(group, LdapAttributes.ModifiedAttribute));
            }
            Groups = groups;
        }

        public async IAsyncEnumerable<DirectoryEntry> UsersAsync(string filter, bool checkAttributes)
        {
            await foreach (var entry in Session.SearchAsync(settings.BaseDN, filter, attributes.Requested, pageSize, "users", cancellationToken))
            {
                if (User(entry) is { } result) yield return result;
            }
            if (checkAttributes && attributes.NeverSeen(_seen, _read) is { } missing)
            {
                throw new DirectoryReadException(ErrorClass.Stalling,
                    $"{Session.Server}: none of the {_read:N0} users under '{SafeText.Show(settings.BaseDN, 200)}' has the attribute {missing}");
            }
        }

        public IEnumerable<DirectoryEntry> Users(IEnumerable<SearchResultEntry> entries)
        {
            foreach (var entry in entries)
            {
                if (User(entry) is { } result) yield return result;
            }
        }

        private DirectoryEntry? User(SearchResultEntry entry)
        {
            _read++;
            var values = attributes.Read(entry, _seen);
            _users.Add(values.Csn, values.ModifiedAt);
            var dn = entry.DistinguishedName;
            var user = attributes.User(values, Groups.GroupsOf(dn, values.MemberOf), DistinguishedName.Parent(dn), context.Clock.GetUtcNow(), Domain);
            if (_read % 1000 == 0) context.Progress?.Report(new ImportProgress(source.Name, _read, null));
            string? problem = null;
            if (user is null) problem = $"entry '{SafeText.Show(dn, 200)}' has no {attributes.Id} (spec.attributes.id): skipped";
            else if (ImportedUserCheck.Problem(user) is { } unsafeValue) problem = $"entry '{SafeText.Show(dn, 200)}': {unsafeValue}: skipped";
            else if (!_ids.Add(user.Id)) problem = $"entry '{SafeText.Show(dn, 200)}' has the id '{SafeText.Show(user.Id, 100)}' of an earlier entry: skipped";
            if (problem is null) return new UserEntry(Marked(user!), Checked: true);
            Complete = false;
            return new ProblemEntry($"{Session.Server}: {problem}");
        }
    }

    /// <summary>
    /// The NetBIOS name of the domain baseDN is in, from its crossRef under CN=Partitions of the configuration naming
    /// context (readable by any authenticated user); the first DC= of baseDN, upper-cased, when it cannot be read.
    /// </summary>
    private static async Task<string?> DomainAsync(LdapSession session, LdapSettings settings, int pageSize, CancellationToken cancellationToken)
    {
        var domainDn = DomainOf(settings.BaseDN);
        var fallback = domainDn.Split(',').FirstOrDefault() is { Length: > 3 } first ? first[3..].ToUpperInvariant() : null;
        if (domainDn.Length == 0) return fallback;
        try
        {
            await foreach (var crossRef in session.SearchAsync($"CN=Partitions,CN=Configuration,{domainDn}",
                $"(&(objectClass=crossRef)(nCName={domainDn})(nETBIOSName=*))", ["nETBIOSName"], pageSize, "the domain's NetBIOS name", cancellationToken))
            {
                if (LdapAttributes.FirstValue(crossRef, "nETBIOSName") is { Length: > 0 } name) return name;
            }
        }
        catch (DirectoryReadException)
        {
            // Another forest layout, or no right to read the configuration: the DC= name is the usual NetBIOS name.
        }
        return fallback;
    }

    /// <summary>The domain's DN: the DC= components of <paramref name="baseDn"/>.</summary>
    private static string DomainOf(string baseDn) => string.Join(',', DistinguishedName.Canonical(baseDn).Split(',')
        .Where(r => r.StartsWith("dc=", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The newest entryCSN and modifyTimestamp among some entries, and whether every one had each.</summary>
    private sealed class Marks
    {
        private string _csn = "", _ts = "";

        public bool AllCsn { get; private set; } = true;
        public bool AllTs { get; private set; } = true;
        public bool Seen { get; private set; }

        public void Add(string? csn, string? ts)
        {
            Seen = true;
            if (csn is not null && LdapCursor.IsMark(LdapCursor.Csn, csn)) _csn = LdapCursor.Later(_csn, csn);
            else AllCsn = false;
            if (ts is not null && LdapCursor.IsTimestamp(ts)) _ts = LdapCursor.Later(_ts, ts);
            else AllTs = false;
        }

        public bool All(string kind) => kind == LdapCursor.Csn ? AllCsn : AllTs;

        public string Latest(string kind) => kind == LdapCursor.Csn ? _csn : _ts;
    }

    /// <summary>spec.ldap.userFilter in parentheses (libldap takes "objectClass=x" alone, not inside a larger filter).</summary>
    private static string UserFilter(LdapSettings settings, LdapDialect dialect)
    {
        var filter = string.IsNullOrWhiteSpace(settings.UserFilter) ? dialect.DefaultUserFilter : settings.UserFilter.Trim();
        return filter.StartsWith('(') ? filter : $"({filter})";
    }

    internal static IEnumerable<string> Values(SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: > 0 } values ? values.GetValues(typeof(string)).Cast<string>() : [];

    private static DirectoryReadException Stalling(DirectorySource source, string message) =>
        new(ErrorClass.Stalling, $"DirectorySource {SafeText.Show(source.Name)}: {message}");
}
