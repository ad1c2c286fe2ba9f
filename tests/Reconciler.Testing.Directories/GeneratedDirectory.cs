using System.Globalization;

namespace Reconciler.Testing.Directories;

/// <summary>One generated person (an <c>inetOrgPerson</c> entry).</summary>
/// <param name="Index">The generation index i (0-based); uid and mail derive from it.</param>
/// <param name="Dn">
/// The entry's DN as written to the LDIF and to the groups' <c>member</c> values (RDN <c>uid=userNNNNN</c>, except
/// the specials with a <c>cn</c> RDN). Searches return the entry's own DN in OpenLDAP's hex-escaped form
/// (<c>cn=Smith\2C John,…</c> for <c>cn=Smith\, John,…</c>): compare with <see cref="Ldif.DnEquals"/>.
/// </param>
/// <param name="Uid"><c>user{i:D5}</c>; every user has one, also those whose RDN is cn.</param>
/// <param name="Cn">The common name.</param>
/// <param name="Sn">The surname.</param>
/// <param name="GivenName">The given name.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Mail"><c>user{i:D5}@example.com</c>, or <see langword="null"/> for <see cref="GeneratedDirectory.NoMailUser"/>.</param>
/// <param name="Department">The <c>departmentNumber</c>: R&amp;D, Sales, Platform, Support by <c>i % 4</c>.</param>
/// <param name="Title">The title.</param>
/// <param name="EmployeeNumber">The <c>employeeNumber</c>: i in invariant digits.</param>
/// <param name="IsContractor">Whether the entry lives under <c>ou=contractors,ou=people</c> (every tenth user, i % 10 == 0).</param>
/// <param name="LockedTime">The <c>pwdAccountLockedTime</c> value, or <see langword="null"/> for an unlocked account.</param>
/// <param name="DirectGroups">DNs of the groups that list this user as a <c>member</c> (= the user's <c>memberOf</c> values).</param>
/// <param name="AllGroups">The direct groups plus the groups reached through nested groups.</param>
public sealed record GeneratedUser(
    int Index,
    string Dn,
    string Uid,
    string Cn,
    string Sn,
    string GivenName,
    string DisplayName,
    string? Mail,
    string Department,
    string Title,
    string EmployeeNumber,
    bool IsContractor,
    string? LockedTime,
    IReadOnlyList<string> DirectGroups,
    IReadOnlyList<string> AllGroups)
{
    /// <summary>Whether the entry carries <c>pwdAccountLockedTime</c> (permanently or time-stamped; OpenLDAP has no other "disabled" flag).</summary>
    public bool Locked => LockedTime is not null;
}

/// <summary>One generated <c>groupOfNames</c> entry.</summary>
/// <param name="Dn">The group's DN (<c>cn=…,ou=groups,&lt;base&gt;</c>).</param>
/// <param name="Cn">The group's cn.</param>
/// <param name="Members">The <c>member</c> values: user DNs, nested group DNs, or (for cn=empty) a DN that does not exist.</param>
/// <param name="MemberOf">The <c>memberOf</c> values of the group entry itself (groups that list this group as a member).</param>
public sealed record GeneratedGroup(string Dn, string Cn, IReadOnlyList<string> Members, IReadOnlyList<string> MemberOf);

/// <summary>
/// The deterministic data loaded into a <see cref="SlapdServer"/>, so tests can assert against it.
/// </summary>
/// <remarks>
/// <para>Layout under the base: <c>ou=people</c> (with the nested <c>ou=contractors,ou=people</c>), <c>ou=groups</c> and
/// <c>ou=services</c> (holding the read-only bind account <c>cn=reader</c>).</para>
/// <para>User i = 0..Users-1 is <c>uid=user{i:D5}</c> under ou=people, or under ou=contractors when i % 10 == 0.
/// The specials sit at fixed indexes (hence <see cref="MinimumUsers"/>):</para>
/// <list type="bullet">
/// <item>1 <see cref="CommaUser"/>: DN <c>cn=Smith\, John,ou=people,…</c> (cn RDN, value <c>Smith, John</c>; searches
/// return it as <c>cn=Smith\2C John,…</c>); an executive.</item>
/// <item>2 <see cref="NonAsciiUser"/>: cn/displayName <c>Zoë Ünal-Łukasz</c> (ASCII uid DN, base64 values in LDIF).</item>
/// <item>3 <see cref="CjkUser"/>: cn/displayName <c>山田 太郎</c>, and a non-ASCII DN <c>cn=山田 太郎,ou=people,…</c>.</item>
/// <item>4 <see cref="NoMailUser"/>: no <c>mail</c> attribute; an eng-lead who is also a direct engineering member.</item>
/// <item>5 <see cref="LockedUser"/>: <c>pwdAccountLockedTime: 000001010000Z</c> (permanently locked in ppolicy terms).</item>
/// <item>6 <see cref="TimeLockedUser"/>: <c>pwdAccountLockedTime: 20260101000000Z</c> (a time-stamped lock).</item>
/// <item>7 an executive; 8 an eng-lead (and direct engineering member).</item>
/// <item>9 <see cref="NestedOnlyEngineer"/>: an executive and eng-lead in Sales, so in engineering only through eng-leads.</item>
/// </list>
/// <para>Groups (<c>groupOfNames</c> under ou=groups): <c>cn=all-staff</c> (every user), <c>cn=engineering</c>
/// (department R&amp;D or Platform, plus the group cn=eng-leads as a member), <c>cn=executives</c> (1, 7, 9),
/// <c>cn=eng-leads</c> (4, 8, 9) and <c>cn=empty</c>, whose only member is <see cref="MissingMemberDN"/>, a DN that
/// does not exist (groupOfNames requires at least one member). Every member entry, the eng-leads group included,
/// has <c>memberOf</c> values for its direct groups, as the memberof overlay would maintain them online.</para>
/// </remarks>
public sealed class GeneratedDirectory
{
    /// <summary>The smallest <see cref="SlapdOptions.Users"/>: the special entries use indexes 1 to 9.</summary>
    public const int MinimumUsers = 10;

    /// <summary>The <c>pwdAccountLockedTime</c> of <see cref="LockedUser"/>: locked until an administrator unlocks it.</summary>
    public const string PermanentLockTime = "000001010000Z";

    /// <summary>The <c>pwdAccountLockedTime</c> of <see cref="TimeLockedUser"/>.</summary>
    public const string TimedLockTime = "20260101000000Z";

    /// <summary>The mail domain of generated users.</summary>
    public const string MailDomain = "example.com";

    /// <summary>The departments, assigned by <c>i % 4</c>.</summary>
    public static IReadOnlyList<string> Departments { get; } = ["R&D", "Sales", "Platform", "Support"];

    /// <summary>Indexes of the members of cn=executives.</summary>
    public static IReadOnlyList<int> ExecutiveIndexes { get; } = [1, 7, 9];

    /// <summary>Indexes of the members of cn=eng-leads.</summary>
    public static IReadOnlyList<int> EngLeadIndexes { get; } = [4, 8, 9];

    private static readonly string[] GivenNames =
        ["Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken",
         "Frances", "Edsger", "Radia", "Donald", "Hedy", "Tim", "Katherine", "Niklaus"];

    private static readonly string[] Surnames =
        ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
         "Allen", "Dijkstra", "Perlman", "Knuth", "Lamarr", "Berners-Lee", "Johnson", "Wirth"];

    private static readonly string[] PersonClasses = ["top", "person", "organizationalPerson", "inetOrgPerson"];

    private const int EngineeringBit = 1, ExecutivesBit = 2, EngLeadsBit = 4;

    private Dictionary<string, GeneratedUser>? byDn;

    private GeneratedDirectory(string baseDn)
    {
        BaseDN = baseDn;
        PeopleDN = $"ou=people,{baseDn}";
        ContractorsDN = $"ou=contractors,{PeopleDN}";
        GroupsDN = $"ou=groups,{baseDn}";
        ServicesDN = $"ou=services,{baseDn}";
        ReaderDN = $"cn=reader,{ServicesDN}";
        AllStaffDN = $"cn=all-staff,{GroupsDN}";
        EngineeringDN = $"cn=engineering,{GroupsDN}";
        ExecutivesDN = $"cn=executives,{GroupsDN}";
        EngLeadsDN = $"cn=eng-leads,{GroupsDN}";
        EmptyDN = $"cn=empty,{GroupsDN}";
        MissingMemberDN = $"uid=nobody,{PeopleDN}";
    }

    /// <summary>The suffix.</summary>
    public string BaseDN { get; }

    /// <summary><c>ou=people,&lt;base&gt;</c>.</summary>
    public string PeopleDN { get; }

    /// <summary><c>ou=contractors,ou=people,&lt;base&gt;</c>, a nested OU holding every tenth user.</summary>
    public string ContractorsDN { get; }

    /// <summary><c>ou=groups,&lt;base&gt;</c>.</summary>
    public string GroupsDN { get; }

    /// <summary><c>ou=services,&lt;base&gt;</c>.</summary>
    public string ServicesDN { get; }

    /// <summary><c>cn=reader,ou=services,&lt;base&gt;</c>, the read-only bind account.</summary>
    public string ReaderDN { get; }

    /// <summary><c>cn=all-staff</c>: every user.</summary>
    public string AllStaffDN { get; }

    /// <summary><c>cn=engineering</c>: users in R&amp;D or Platform, and the group cn=eng-leads.</summary>
    public string EngineeringDN { get; }

    /// <summary><c>cn=executives</c>: users 1, 7 and 9.</summary>
    public string ExecutivesDN { get; }

    /// <summary><c>cn=eng-leads</c>: users 4, 8 and 9; itself a member of cn=engineering.</summary>
    public string EngLeadsDN { get; }

    /// <summary><c>cn=empty</c>: its only member is <see cref="MissingMemberDN"/>.</summary>
    public string EmptyDN { get; }

    /// <summary><c>uid=nobody,ou=people,&lt;base&gt;</c>: the member of cn=empty; no such entry exists.</summary>
    public string MissingMemberDN { get; }

    /// <summary>Every generated user, by index.</summary>
    public IReadOnlyList<GeneratedUser> Users { get; private set; } = [];

    /// <summary>The groups: all-staff, engineering, executives, eng-leads, empty.</summary>
    public IReadOnlyList<GeneratedGroup> Groups { get; private set; } = [];

    /// <summary>User 1: DN <c>cn=Smith\, John,ou=people,…</c>.</summary>
    public GeneratedUser CommaUser => Users[1];

    /// <summary>User 2: <c>Zoë Ünal-Łukasz</c>.</summary>
    public GeneratedUser NonAsciiUser => Users[2];

    /// <summary>User 3: <c>山田 太郎</c>, with a non-ASCII DN.</summary>
    public GeneratedUser CjkUser => Users[3];

    /// <summary>User 4: has no mail.</summary>
    public GeneratedUser NoMailUser => Users[4];

    /// <summary>User 5: <c>pwdAccountLockedTime: 000001010000Z</c>.</summary>
    public GeneratedUser LockedUser => Users[5];

    /// <summary>User 6: <c>pwdAccountLockedTime: 20260101000000Z</c>.</summary>
    public GeneratedUser TimeLockedUser => Users[6];

    /// <summary>User 9: in cn=engineering only through cn=eng-leads (not a direct member).</summary>
    public GeneratedUser NestedOnlyEngineer => Users[9];

    /// <summary>The user with generation index <paramref name="index"/>.</summary>
    public GeneratedUser User(int index) => Users[index];

    /// <summary>The user with this DN (compared case-insensitively, exactly as generated), or <see langword="null"/>.</summary>
    public GeneratedUser? FindUser(string dn)
    {
        byDn ??= Users.ToDictionary(user => user.Dn, StringComparer.OrdinalIgnoreCase);
        return byDn.GetValueOrDefault(dn);
    }

    /// <summary>The group with this DN.</summary>
    public GeneratedGroup Group(string dn) =>
        Groups.FirstOrDefault(group => string.Equals(group.Dn, dn, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No generated group '{dn}'.");

    /// <summary>
    /// Generates the directory for <paramref name="options"/> and streams it as LDIF (suitable for slapadd)
    /// to <paramref name="ldif"/>, followed by <see cref="SlapdOptions.ExtraLdif"/>.
    /// </summary>
    /// <param name="options">Users, BaseDN and ExtraLdif are used.</param>
    /// <param name="readerPassword">The <c>userPassword</c> of <see cref="ReaderDN"/> (stored as given).</param>
    /// <param name="ldif">Where the LDIF goes.</param>
    public static GeneratedDirectory Generate(SlapdOptions options, string readerPassword, TextWriter ldif)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(readerPassword);
        ArgumentNullException.ThrowIfNull(ldif);
        if (options.Users < MinimumUsers)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.Users, $"SlapdOptions.Users must be at least {MinimumUsers} (the special entries use indexes 1 to 9).");
        }

        var directory = new GeneratedDirectory(options.BaseDN);
        directory.Write(options, readerPassword, ldif);
        return directory;
    }

    private void Write(SlapdOptions options, string readerPassword, TextWriter w)
    {
        WriteRoot(w, BaseDN);
        WriteOu(w, PeopleDN, "people");
        WriteOu(w, ContractorsDN, "contractors");
        WriteOu(w, GroupsDN, "groups");
        WriteOu(w, ServicesDN, "services");

        Ldif.WriteLine(w, "dn", ReaderDN);
        Ldif.WriteLine(w, "objectClass", "top");
        Ldif.WriteLine(w, "objectClass", "organizationalRole");
        Ldif.WriteLine(w, "objectClass", "simpleSecurityObject");
        Ldif.WriteLine(w, "cn", "reader");
        Ldif.WriteLine(w, "description", "read-only bind account for tests");
        Ldif.WriteLine(w, "userPassword", readerPassword);
        w.Write('\n');

        // The eight possible group combinations share their lists, so 100,000 users cost little memory.
        var direct = new IReadOnlyList<string>[8];
        var all = new IReadOnlyList<string>[8];
        for (var mask = 0; mask < 8; mask++)
        {
            var groups = new List<string> { AllStaffDN };
            if ((mask & EngineeringBit) != 0) groups.Add(EngineeringDN);
            if ((mask & ExecutivesBit) != 0) groups.Add(ExecutivesDN);
            if ((mask & EngLeadsBit) != 0) groups.Add(EngLeadsDN);
            direct[mask] = groups.ToArray();
            if ((mask & EngLeadsBit) != 0 && (mask & EngineeringBit) == 0) groups.Add(EngineeringDN);
            all[mask] = groups.ToArray();
        }

        var count = options.Users;
        var users = new GeneratedUser[count];
        var allStaff = new string[count];
        var engineering = new List<string>(count / 2 + 1);
        var executives = new List<string>();
        var engLeads = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var mask = 0;
            var department = Departments[i % 4];
            if (department is "R&D" or "Platform") mask |= EngineeringBit;
            if (ExecutiveIndexes.Contains(i)) mask |= ExecutivesBit;
            if (EngLeadIndexes.Contains(i)) mask |= EngLeadsBit;

            var user = CreateUser(i, department, mask, direct[mask], all[mask]);
            users[i] = user;
            WriteUser(w, user);

            allStaff[i] = user.Dn;
            if ((mask & EngineeringBit) != 0) engineering.Add(user.Dn);
            if ((mask & ExecutivesBit) != 0) executives.Add(user.Dn);
            if ((mask & EngLeadsBit) != 0) engLeads.Add(user.Dn);
        }

        engineering.Add(EngLeadsDN);
        var groupList = new[]
        {
            new GeneratedGroup(AllStaffDN, "all-staff", allStaff, []),
            new GeneratedGroup(EngineeringDN, "engineering", engineering, []),
            new GeneratedGroup(ExecutivesDN, "executives", executives, []),
            new GeneratedGroup(EngLeadsDN, "eng-leads", engLeads, [EngineeringDN]),
            new GeneratedGroup(EmptyDN, "empty", [MissingMemberDN], []),
        };
        foreach (var group in groupList)
        {
            WriteGroup(w, group);
        }

        if (!string.IsNullOrWhiteSpace(options.ExtraLdif))
        {
            w.Write('\n');
            w.Write(options.ExtraLdif.ReplaceLineEndings("\n"));
            w.Write("\n\n");
        }

        Users = users;
        Groups = groupList;
    }

    private GeneratedUser CreateUser(int i, string department, int mask, IReadOnlyList<string> direct, IReadOnlyList<string> all)
    {
        var uid = $"user{i:D5}";
        var given = GivenNames[i % GivenNames.Length];
        var sn = Surnames[i / GivenNames.Length % Surnames.Length];
        var cn = $"{given} {sn}";
        var display = cn;
        string? mail = $"{uid}@{MailDomain}";
        string? locked = null;
        var contractor = i % 10 == 0;
        var parent = contractor ? ContractorsDN : PeopleDN;
        var dn = $"uid={uid},{parent}";

        switch (i)
        {
            case 1:
                (given, sn, cn, display) = ("John", "Smith", "Smith, John", "John Smith");
                dn = $"cn={Ldif.EscapeDnValue(cn)},{parent}";
                break;
            case 2:
                (given, sn) = ("Zoë", "Ünal-Łukasz");
                cn = display = "Zoë Ünal-Łukasz";
                break;
            case 3:
                (given, sn) = ("太郎", "山田");
                cn = display = "山田 太郎";
                dn = $"cn={Ldif.EscapeDnValue(cn)},{parent}";
                break;
            case 4:
                mail = null;
                break;
            case 5:
                locked = PermanentLockTime;
                break;
            case 6:
                locked = TimedLockTime;
                break;
        }

        var title = (mask & ExecutivesBit) != 0 ? "Vice President"
            : (mask & EngLeadsBit) != 0 ? "Engineering Lead"
            : department switch
            {
                "R&D" => "Software Engineer",
                "Sales" => "Account Manager",
                "Platform" => "Platform Engineer",
                _ => "Support Engineer",
            };

        return new GeneratedUser(
            i, dn, uid, cn, sn, given, display, mail, department, title,
            i.ToString(CultureInfo.InvariantCulture), contractor, locked, direct, all);
    }

    private static void WriteUser(TextWriter w, GeneratedUser user)
    {
        Ldif.WriteLine(w, "dn", user.Dn);
        foreach (var objectClass in PersonClasses)
        {
            Ldif.WriteLine(w, "objectClass", objectClass);
        }

        Ldif.WriteLine(w, "uid", user.Uid);
        Ldif.WriteLine(w, "cn", user.Cn);
        Ldif.WriteLine(w, "sn", user.Sn);
        Ldif.WriteLine(w, "givenName", user.GivenName);
        Ldif.WriteLine(w, "displayName", user.DisplayName);
        if (user.Mail is not null)
        {
            Ldif.WriteLine(w, "mail", user.Mail);
        }

        Ldif.WriteLine(w, "departmentNumber", user.Department);
        Ldif.WriteLine(w, "title", user.Title);
        Ldif.WriteLine(w, "employeeNumber", user.EmployeeNumber);
        if (user.LockedTime is not null)
        {
            Ldif.WriteLine(w, "pwdAccountLockedTime", user.LockedTime);
        }

        foreach (var group in user.DirectGroups)
        {
            Ldif.WriteLine(w, "memberOf", group);
        }

        w.Write('\n');
    }

    private static void WriteGroup(TextWriter w, GeneratedGroup group)
    {
        Ldif.WriteLine(w, "dn", group.Dn);
        Ldif.WriteLine(w, "objectClass", "top");
        Ldif.WriteLine(w, "objectClass", "groupOfNames");
        Ldif.WriteLine(w, "cn", group.Cn);
        foreach (var member in group.Members)
        {
            Ldif.WriteLine(w, "member", member);
        }

        foreach (var parent in group.MemberOf)
        {
            Ldif.WriteLine(w, "memberOf", parent);
        }

        w.Write('\n');
    }

    private static void WriteOu(TextWriter w, string dn, string ou)
    {
        Ldif.WriteLine(w, "dn", dn);
        Ldif.WriteLine(w, "objectClass", "top");
        Ldif.WriteLine(w, "objectClass", "organizationalUnit");
        Ldif.WriteLine(w, "ou", ou);
        w.Write('\n');
    }

    private static void WriteRoot(TextWriter w, string baseDn)
    {
        var (attribute, value) = FirstRdn(baseDn);
        Ldif.WriteLine(w, "dn", baseDn);
        Ldif.WriteLine(w, "objectClass", "top");
        switch (attribute)
        {
            case "dc":
                Ldif.WriteLine(w, "objectClass", "dcObject");
                Ldif.WriteLine(w, "objectClass", "organization");
                Ldif.WriteLine(w, "o", value);
                Ldif.WriteLine(w, "dc", value);
                break;
            case "o":
                Ldif.WriteLine(w, "objectClass", "organization");
                Ldif.WriteLine(w, "o", value);
                break;
            default:
                Ldif.WriteLine(w, "objectClass", "organizationalUnit");
                Ldif.WriteLine(w, "ou", value);
                break;
        }

        w.Write('\n');
    }

    internal static (string Attribute, string Value) FirstRdn(string baseDn)
    {
        var comma = baseDn.IndexOf(',');
        var rdn = comma < 0 ? baseDn : baseDn[..comma];
        var equals = rdn.IndexOf('=');
        var attribute = equals > 0 ? rdn[..equals].Trim().ToLowerInvariant() : "";
        var value = equals > 0 ? rdn[(equals + 1)..].Trim() : "";
        if (attribute is not ("dc" or "o" or "ou") || value.Length == 0 || baseDn.Contains('\\') || baseDn.Contains('+'))
        {
            throw new ArgumentException(
                $"SlapdOptions.BaseDN '{baseDn}' must start with a simple dc=, o= or ou= RDN (no escapes or multi-valued RDNs).",
                nameof(baseDn));
        }

        return (attribute, value);
    }
}
