using System.DirectoryServices.Protocols;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// Which directory attribute holds each user field: <c>spec.attributes</c> where set, the type's defaults elsewhere
/// (OpenLDAP: entryUUID, uid, mail, cn, givenName, sn, departmentNumber, title). Only these, memberOf and the lock
/// attribute are requested, so a read never carries photos or certificates.
/// </summary>
public sealed class LdapAttributes
{
    // Attributes the spec names explicitly: one that no entry has is a typo, and fails the read.
    private readonly List<(string Field, string Attribute)> _configured = [];

    /// <summary>Operational: only sent when asked for, and what incremental reads go by.</summary>
    public const string ModifiedAttribute = "modifyTimestamp";

    /// <summary>OpenLDAP's change sequence number: unique per change, so incremental reads need not read any twice.</summary>
    public const string CsnAttribute = "entryCSN";

    // One slot per distinct attribute name (case-insensitive, as LDAP names are), so an attribute mapped to two
    // fields is read once.
    private readonly Dictionary<string, int> _slots = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _slotCount;
    private readonly int _idSlot;
    private readonly bool _binaryId;
    private readonly (DetailField Field, int Slot)[] _detailSlots;
    private readonly HashSet<int> _configuredSlots = [];

    private readonly LdapDialect _dialect;
    private readonly HashSet<string> _state;

    private LdapAttributes(LdapDialect dialect, string id, (DetailField, string)[] details, string[] requested)
    {
        _dialect = dialect;
        _state = new HashSet<string>(dialect.StateAttributes, StringComparer.OrdinalIgnoreCase);
        Id = id;
        Requested = requested;
        int Slot(string name)
        {
            if (!_slots.TryGetValue(name, out var slot)) _slots[name] = slot = _slots.Count;
            return slot;
        }
        _idSlot = Slot(id);
        _binaryId = LdapDialect.IsBinaryId(id);
        _detailSlots = details.Select(d => (d.Item1, Slot(d.Item2))).ToArray();
        _slotCount = _slots.Count;
    }

    /// <summary>The attribute that holds the stable id.</summary>
    public string Id { get; }

    /// <summary>What a user search asks the server for.</summary>
    public string[] Requested { get; }

    public static LdapAttributes For(DirectorySource source, LdapDialect dialect)
    {
        var mapping = source.Spec.Attributes;
        var id = Configured(mapping?.Id) ?? dialect.DefaultId;
        var details = UserDetails.Fields
            .Select(field => (field, Configured(mapping?.For(field.Name)) ?? dialect.Defaults[field.Name]))
            .ToArray();
        var requested = new[] { id, "memberOf", ModifiedAttribute, CsnAttribute }
            .Concat(dialect.StateAttributes)
            .Concat(details.Select(d => d.Item2))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var attributes = new LdapAttributes(dialect, id, details, requested);
        if (mapping?.Id is not null) attributes._configured.Add(("id", id));
        foreach (var (field, attribute) in details)
        {
            if (Configured(mapping?.For(field.Name)) is not null) attributes._configured.Add((field.Name, attribute));
        }
        foreach (var (_, attribute) in attributes._configured) attributes._configuredSlots.Add(attributes._slots[attribute]);
        return attributes;
    }

    /// <summary>What one entry holds of the requested attributes, read in one pass over them.</summary>
    public sealed class EntryValues(int slots)
    {
        public readonly string?[] First = new string?[slots];
        public string[] MemberOf = [];

        /// <summary>The dialect's state attributes the entry has (lock, userAccountControl, accountExpires, logon names).</summary>
        public readonly Dictionary<string, string> State = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The entry's entryCSN and modifyTimestamp when they are in the form cursors use; empty otherwise.</summary>
        public string Csn = "", ModifiedAt = "";
    }

    /// <summary>
    /// Reads the entry's attributes once: the first value of each mapped one, every memberOf, whether it is locked.
    /// Counts which configured attributes it has.
    /// </summary>
    public EntryValues Read(SearchResultEntry entry, Dictionary<string, int> seen)
    {
        var values = new EntryValues(_slotCount);
        foreach (DirectoryAttribute attribute in entry.Attributes.Values)
        {
            if (attribute.Count == 0) continue;
            var name = attribute.Name;
            if (name.Equals("memberOf", StringComparison.OrdinalIgnoreCase))
            {
                values.MemberOf = (string[])attribute.GetValues(typeof(string));
            }
            else if (name.Equals(ModifiedAttribute, StringComparison.OrdinalIgnoreCase))
            {
                if (attribute.GetValues(typeof(string)) is [string at, ..] && LdapCursor.IsTimestamp(at)) values.ModifiedAt = at;
                continue;
            }
            else if (name.Equals(CsnAttribute, StringComparison.OrdinalIgnoreCase))
            {
                if (attribute.GetValues(typeof(string)) is [string csn, ..] && LdapCursor.IsMark(LdapCursor.Csn, csn)) values.Csn = csn;
                continue;
            }
            if (_state.Contains(name) && attribute.GetValues(typeof(string)) is [string state, ..]) values.State[name] = state.Trim();
            if (!_slots.TryGetValue(name, out var slot)) continue;
            values.First[slot] = slot == _idSlot ? IdText(attribute) : attribute.GetValues(typeof(string)) is [string first, ..] ? first.Trim() : null;
            if (_configuredSlots.Contains(slot)) seen[name] = seen.GetValueOrDefault(name) + 1;
        }
        return values;
    }

    /// <summary>The user an entry describes, or null when it has no id.</summary>
    public ImportedUser? User(EntryValues values, IReadOnlyList<string> groups, string organizationalUnit, DateTimeOffset now, string? domain)
    {
        var id = values.First[_idSlot];
        if (string.IsNullOrWhiteSpace(id)) return null;
        var details = UserDetails.Empty;
        foreach (var (field, slot) in _detailSlots) details = field.With(details, values.First[slot] ?? "");
        return new ImportedUser
        {
            Id = id,
            Details = details,
            Groups = groups,
            OrganizationalUnit = organizationalUnit,
            Enabled = _dialect.Enabled(values.State, now),
            Attributes = _dialect.IsActiveDirectory ? Identities(values, domain) : null,
        };
    }

    /// <summary>What mass deployment finds an AD user's devices by: DOMAIN\sAMAccountName and the userPrincipalName.</summary>
    private static Dictionary<string, string>? Identities(EntryValues values, string? domain)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        if (values.State.TryGetValue(LdapDialect.SamAccountName, out var sam) && sam.Length > 0)
        {
            kept[LdapDialect.LogonNameAttribute] = domain is null ? sam : $"{domain}\\{sam}";
        }
        if (values.State.TryGetValue(LdapDialect.UserPrincipalName, out var upn) && upn.Length > 0) kept[LdapDialect.UserPrincipalName] = upn;
        return kept.Count > 0 ? kept : null;
    }

    /// <summary>"'NAME' that spec.attributes.FIELD names" for a configured attribute no entry had, or null.</summary>
    public string? NeverSeen(Dictionary<string, int> seen, long entries)
    {
        if (entries == 0) return null;
        foreach (var (field, attribute) in _configured)
        {
            if (!seen.ContainsKey(attribute)) return $"'{attribute}' that spec.attributes.{field} names";
        }
        return null;
    }

    /// <summary>The entry's id as <see cref="User"/> spells it (a binary objectGUID as a GUID), or null.</summary>
    public string? IdOf(SearchResultEntry entry) => entry.Attributes[Id] is { Count: > 0 } values ? IdText(values) : null;

    /// <summary>The id attribute's first value as text: a 16-byte objectGUID as a GUID, anything else trimmed; null when blank.</summary>
    private string? IdText(DirectoryAttribute values)
    {
        if (_binaryId) return values.GetValues(typeof(byte[])) is [byte[] { Length: 16 } raw, ..] ? new Guid(raw).ToString() : null;
        return values.GetValues(typeof(string)) is [string first, ..] && first.Trim().Length > 0 ? first.Trim() : null;
    }

    /// <summary>An attribute's first value as text, or null.</summary>
    public static string? FirstValue(SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: > 0 } values && values.GetValues(typeof(string)) is [string first, ..] ? first.Trim() : null;

    private static string? Configured(string? attribute) => string.IsNullOrWhiteSpace(attribute) ? null : attribute.Trim();
}
