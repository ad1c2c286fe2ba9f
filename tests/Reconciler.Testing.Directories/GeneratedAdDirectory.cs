using System.Globalization;
using System.Text;

namespace Reconciler.Testing.Directories;

/// <summary>One generated Active Directory user (<c>objectClass: user</c>) in a <see cref="SambaDcServer"/>.</summary>
/// <param name="Index">The generation index i (0-based); the account names derive from it.</param>
/// <param name="Dn">
/// The DN as added (<c>CN=User {i},OU=People,DC=example,DC=test</c>, or under OU=Contractors; <c>CN=Smith\, John,…</c>
/// for <see cref="GeneratedAdDirectory.CommaUser"/>). Samba returns DNs in this same form.
/// </param>
/// <param name="Cn">The cn value (unescaped: <c>Smith, John</c>).</param>
/// <param name="SamAccountName"><c>user{i:D3}</c>.</param>
/// <param name="UserPrincipalName"><c>user{i:D3}@example.test</c>.</param>
/// <param name="Mail"><c>user{i:D3}@example.test</c>, or <see langword="null"/> for <see cref="GeneratedAdDirectory.NoMailUser"/>.</param>
/// <param name="GivenName">The givenName.</param>
/// <param name="Sn">The sn (surname).</param>
/// <param name="DisplayName">The displayName.</param>
/// <param name="Department">The department: R&amp;D, Sales, Platform, Support by <c>i % 4</c>.</param>
/// <param name="Title">The title.</param>
/// <param name="EmployeeId">The employeeID: i in invariant digits.</param>
/// <param name="IsContractor">Whether the user lives under <c>OU=Contractors,OU=People</c> (i % 10 == 0).</param>
/// <param name="UserAccountControl">The userAccountControl written: 512 (normal, enabled) or 514 (disabled).</param>
/// <param name="AccountExpires">
/// The accountExpires value (a FILETIME; 0 and <see cref="GeneratedAdDirectory.NeverExpires"/> both mean never): the
/// value written for the specials, otherwise Samba's default <see cref="GeneratedAdDirectory.NeverExpires"/>.
/// </param>
/// <param name="DirectGroups">DNs of the groups listing this user as a member (= the user's memberOf values).</param>
/// <param name="AllGroups">The direct groups plus the groups reached through nested groups.</param>
/// <param name="ObjectGuid">The objectGUID the server assigned, read back after the add.</param>
public sealed record GeneratedAdUser(
    int Index,
    string Dn,
    string Cn,
    string SamAccountName,
    string UserPrincipalName,
    string? Mail,
    string GivenName,
    string Sn,
    string DisplayName,
    string Department,
    string Title,
    string EmployeeId,
    bool IsContractor,
    int UserAccountControl,
    long AccountExpires,
    IReadOnlyList<string> DirectGroups,
    IReadOnlyList<string> AllGroups,
    Guid ObjectGuid)
{
    /// <summary>Whether userAccountControl has ACCOUNTDISABLE (bit 2, 0x2).</summary>
    public bool Disabled => (UserAccountControl & GeneratedAdDirectory.AccountDisable) != 0;

    /// <summary>Whether accountExpires is a real time (not 0, not <see cref="GeneratedAdDirectory.NeverExpires"/>) in the past.</summary>
    public bool Expired =>
        AccountExpires is not 0 and not GeneratedAdDirectory.NeverExpires &&
        AccountExpires < DateTime.UtcNow.ToFileTimeUtc();
}

/// <summary>One generated global security group (<c>groupType: -2147483646</c>) under OU=Groups.</summary>
/// <param name="Dn">The group's DN (<c>CN=…,OU=Groups,DC=example,DC=test</c>).</param>
/// <param name="Cn">The cn, also its sAMAccountName.</param>
/// <param name="Members">The member values: user DNs and nested group DNs (none for <c>empty</c>).</param>
/// <param name="MemberOf">The groups listing this group as a member.</param>
/// <param name="ObjectGuid">The objectGUID the server assigned, read back after the add.</param>
public sealed record GeneratedAdGroup(
    string Dn, string Cn, IReadOnlyList<string> Members, IReadOnlyList<string> MemberOf, Guid ObjectGuid);

/// <summary>The deterministic data a <see cref="SambaDcServer"/> adds over LDAPS after it starts.</summary>
/// <remarks>
/// <para>Layout under <c>DC=example,DC=test</c>: <c>OU=People</c> (with the nested <c>OU=Contractors,OU=People</c>)
/// and <c>OU=Groups</c>; the bind account <see cref="ReaderDN"/> is a plain domain user in the default
/// <c>CN=Users</c> container (so it is not among the people). Every generated user gets the same random password
/// (<see cref="SambaDcServer.UserPassword"/>), sent as unicodePwd in the add together with its userAccountControl.</para>
/// <para>User i = 0..Users-1 is <c>CN=User {i}</c> under OU=People, or under OU=Contractors when i % 10 == 0. The
/// specials sit at fixed indexes (hence <see cref="MinimumUsers"/>):</para>
/// <list type="bullet">
/// <item>1 <see cref="CommaUser"/>: DN <c>CN=Smith\, John,OU=People,…</c> (cn value <c>Smith, John</c>), in Sales.</item>
/// <item>2 <see cref="NonAsciiUser"/>: givenName/sn/displayName <c>Zoë</c> / <c>Ünal-Łukasz</c> / <c>Zoë Ünal-Łukasz</c>;
/// an eng-lead in Platform, so also a direct engineering member.</item>
/// <item>3 <see cref="NoMailUser"/>: no mail attribute.</item>
/// <item>4 <see cref="DisabledUser"/>: userAccountControl 514 (ACCOUNTDISABLE).</item>
/// <item>5 <see cref="ExpiredUser"/>: enabled, accountExpires <see cref="ExpiredAt"/> (2020-01-01T00:00Z).</item>
/// <item>6 <see cref="ZeroExpiresUser"/>: accountExpires 0 written explicitly (never expires, like the default).</item>
/// <item>8 an eng-lead in R&amp;D (also a direct engineering member).</item>
/// <item>9 <see cref="NestedOnlyEngineer"/>: an eng-lead in Sales, so in engineering only through eng-leads.</item>
/// </list>
/// <para>All other users are enabled (userAccountControl 512) and keep Samba's default accountExpires
/// <see cref="NeverExpires"/>.</para>
/// <para>Groups (global security groups under OU=Groups): <c>all-staff</c> (every user), <c>engineering</c>
/// (department R&amp;D or Platform, plus the group eng-leads as a member), <c>eng-leads</c> (2, 8, 9) and <c>empty</c>
/// (no members at all, which AD allows). The server maintains memberOf itself.</para>
/// </remarks>
public sealed class GeneratedAdDirectory
{
    /// <summary>The smallest <see cref="SambaOptions.Users"/>: the special accounts use indexes 1 to 9.</summary>
    public const int MinimumUsers = 10;

    /// <summary>userAccountControl ACCOUNTDISABLE.</summary>
    public const int AccountDisable = 0x2;

    /// <summary>userAccountControl NORMAL_ACCOUNT (an enabled user).</summary>
    public const int NormalAccount = 0x200;

    /// <summary>accountExpires meaning "never" (0 means never too).</summary>
    public const long NeverExpires = long.MaxValue;

    /// <summary>groupType of a global security group (GLOBAL_GROUP | SECURITY_ENABLED).</summary>
    public const int GlobalSecurityGroupType = -2147483646;

    /// <summary>The LDAP_MATCHING_RULE_IN_CHAIN OID, for filters like <c>(memberOf:1.2.840.113556.1.4.1941:=…)</c>.</summary>
    public const string InChainRule = "1.2.840.113556.1.4.1941";

    /// <summary>The DNS realm, lower case; UPNs and mail use it.</summary>
    public const string Realm = "example.test";

    /// <summary>The base DN.</summary>
    public const string DefaultBaseDN = "DC=example,DC=test";

    /// <summary>The accountExpires of <see cref="ExpiredUser"/>: 2020-01-01T00:00:00Z as a FILETIME (132223104000000000).</summary>
    public static long ExpiredAt { get; } = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).ToFileTimeUtc();

    /// <summary>The departments, assigned by <c>i % 4</c>.</summary>
    public static IReadOnlyList<string> Departments { get; } = ["R&D", "Sales", "Platform", "Support"];

    /// <summary>Indexes of the members of eng-leads.</summary>
    public static IReadOnlyList<int> EngLeadIndexes { get; } = [2, 8, 9];

    private static readonly string[] GivenNames =
        ["Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken",
         "Frances", "Edsger", "Radia", "Donald", "Hedy", "Tim", "Katherine", "Niklaus"];

    private static readonly string[] Surnames =
        ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
         "Allen", "Dijkstra", "Perlman", "Knuth", "Lamarr", "Berners-Lee", "Johnson", "Wirth"];

    private GeneratedAdDirectory()
    {
        BaseDN = DefaultBaseDN;
        UsersDN = $"OU=People,{BaseDN}";
        ContractorsDN = $"OU=Contractors,{UsersDN}";
        GroupsDN = $"OU=Groups,{BaseDN}";
        ReaderDN = $"CN=Reconciler Reader,CN=Users,{BaseDN}";
        AllStaffDN = $"CN=all-staff,{GroupsDN}";
        EngineeringDN = $"CN=engineering,{GroupsDN}";
        EngLeadsDN = $"CN=eng-leads,{GroupsDN}";
        EmptyDN = $"CN=empty,{GroupsDN}";
    }

    /// <summary><c>DC=example,DC=test</c>.</summary>
    public string BaseDN { get; }

    /// <summary><c>OU=People,DC=example,DC=test</c>: every generated user is below it.</summary>
    public string UsersDN { get; }

    /// <summary><c>OU=Contractors,OU=People,DC=example,DC=test</c>, holding every tenth user.</summary>
    public string ContractorsDN { get; }

    /// <summary><c>OU=Groups,DC=example,DC=test</c>.</summary>
    public string GroupsDN { get; }

    /// <summary><c>CN=Reconciler Reader,CN=Users,DC=example,DC=test</c>: a plain, enabled domain user for binding.</summary>
    public string ReaderDN { get; }

    /// <summary>The reader's sAMAccountName.</summary>
    public string ReaderSamAccountName => "reader";

    /// <summary><c>CN=all-staff</c>: every user.</summary>
    public string AllStaffDN { get; }

    /// <summary><c>CN=engineering</c>: users in R&amp;D or Platform, and the group eng-leads.</summary>
    public string EngineeringDN { get; }

    /// <summary><c>CN=eng-leads</c>: users 2, 8 and 9; itself a member of engineering.</summary>
    public string EngLeadsDN { get; }

    /// <summary><c>CN=empty</c>: no members.</summary>
    public string EmptyDN { get; }

    /// <summary>Every generated user, by index.</summary>
    public IReadOnlyList<GeneratedAdUser> Users { get; private set; } = [];

    /// <summary>The groups: all-staff, engineering, eng-leads, empty.</summary>
    public IReadOnlyList<GeneratedAdGroup> Groups { get; private set; } = [];

    /// <summary>User 1: DN <c>CN=Smith\, John,OU=People,…</c>.</summary>
    public GeneratedAdUser CommaUser => Users[1];

    /// <summary>User 2: displayName <c>Zoë Ünal-Łukasz</c>.</summary>
    public GeneratedAdUser NonAsciiUser => Users[2];

    /// <summary>User 3: has no mail.</summary>
    public GeneratedAdUser NoMailUser => Users[3];

    /// <summary>User 4: userAccountControl 514.</summary>
    public GeneratedAdUser DisabledUser => Users[4];

    /// <summary>User 5: accountExpires <see cref="ExpiredAt"/>.</summary>
    public GeneratedAdUser ExpiredUser => Users[5];

    /// <summary>User 6: accountExpires 0 (never).</summary>
    public GeneratedAdUser ZeroExpiresUser => Users[6];

    /// <summary>User 9: in engineering only through eng-leads (not a direct member).</summary>
    public GeneratedAdUser NestedOnlyEngineer => Users[9];

    /// <summary>The user with generation index <paramref name="index"/>.</summary>
    public GeneratedAdUser User(int index) => Users[index];

    /// <summary>The user with this sAMAccountName (case-insensitive), or <see langword="null"/>.</summary>
    public GeneratedAdUser? FindBySamAccountName(string samAccountName) =>
        Users.FirstOrDefault(u => string.Equals(u.SamAccountName, samAccountName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The group with this DN (case-insensitive).</summary>
    public GeneratedAdGroup Group(string dn) =>
        Groups.FirstOrDefault(group => string.Equals(group.Dn, dn, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No generated group '{dn}'.");

    /// <summary>
    /// Generates the directory for <paramref name="users"/> users and returns it with the LDIF that adds it (OUs,
    /// reader, users with passwords, then groups in dependency order). objectGUIDs are <see cref="Guid.Empty"/> until
    /// the server has assigned them.
    /// </summary>
    internal static (GeneratedAdDirectory Directory, string Ldif) Generate(int users, string userPassword, string readerPassword)
    {
        if (users < MinimumUsers)
        {
            throw new ArgumentOutOfRangeException(
                nameof(users), users, $"SambaOptions.Users must be at least {MinimumUsers} (the special accounts use indexes 1 to 9).");
        }

        var directory = new GeneratedAdDirectory();
        var ldif = new StringBuilder(users * 700);
        using (var writer = new StringWriter(ldif, CultureInfo.InvariantCulture))
        {
            directory.Write(users, userPassword, readerPassword, writer);
        }

        return (directory, ldif.ToString());
    }

    /// <summary>The value of unicodePwd for <paramref name="password"/>: the quoted password in UTF-16LE.</summary>
    internal static string UnicodePwdBase64(string password) =>
        Convert.ToBase64String(Encoding.Unicode.GetBytes("\"" + password + "\""));

    internal void ApplyObjectGuids(IReadOnlyDictionary<string, Guid> bySamAccountName)
    {
        Guid Find(string sam) => bySamAccountName.TryGetValue(sam, out var guid)
            ? guid
            : throw new InvalidOperationException($"The server returned no objectGUID for sAMAccountName={sam}.");

        Users = Users.Select(u => u with { ObjectGuid = Find(u.SamAccountName) }).ToArray();
        Groups = Groups.Select(g => g with { ObjectGuid = Find(g.Cn) }).ToArray();
    }

    private void Write(int count, string userPassword, string readerPassword, TextWriter w)
    {
        WriteOu(w, UsersDN, "People");
        WriteOu(w, ContractorsDN, "Contractors");
        WriteOu(w, GroupsDN, "Groups");

        Ldif.WriteLine(w, "dn", ReaderDN);
        Ldif.WriteLine(w, "objectClass", "user");
        Ldif.WriteLine(w, "cn", "Reconciler Reader");
        Ldif.WriteLine(w, "sAMAccountName", ReaderSamAccountName);
        Ldif.WriteLine(w, "userPrincipalName", $"{ReaderSamAccountName}@{Realm}");
        Ldif.WriteLine(w, "description", "plain domain user used as the bind account by tests");
        w.Write($"unicodePwd:: {UnicodePwdBase64(readerPassword)}\n");
        Ldif.WriteLine(w, "userAccountControl", NormalAccount.ToString(CultureInfo.InvariantCulture));
        w.Write('\n');

        IReadOnlyList<string> direct0 = [AllStaffDN], directEng = [AllStaffDN, EngineeringDN],
            directLead = [AllStaffDN, EngLeadsDN], directEngLead = [AllStaffDN, EngineeringDN, EngLeadsDN];
        IReadOnlyList<string> allLead = [AllStaffDN, EngLeadsDN, EngineeringDN];

        var users = new GeneratedAdUser[count];
        var engineering = new List<string>();
        var engLeads = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var department = Departments[i % 4];
            var engineer = department is "R&D" or "Platform";
            var lead = EngLeadIndexes.Contains(i);
            var direct = (engineer, lead) switch
            {
                (true, true) => directEngLead,
                (true, false) => directEng,
                (false, true) => directLead,
                _ => direct0,
            };
            var all = lead && !engineer ? allLead : direct;

            var user = CreateUser(i, department, lead, direct, all);
            users[i] = user;
            WriteUser(w, user, userPassword);
            if (engineer) engineering.Add(user.Dn);
            if (lead) engLeads.Add(user.Dn);
        }

        engineering.Add(EngLeadsDN);
        var groups = new[]
        {
            new GeneratedAdGroup(EngLeadsDN, "eng-leads", engLeads, [EngineeringDN], Guid.Empty),
            new GeneratedAdGroup(EngineeringDN, "engineering", engineering, [], Guid.Empty),
            new GeneratedAdGroup(AllStaffDN, "all-staff", users.Select(u => u.Dn).ToArray(), [], Guid.Empty),
            new GeneratedAdGroup(EmptyDN, "empty", [], [], Guid.Empty),
        };
        foreach (var group in groups)
        {
            WriteGroup(w, group);
        }

        Users = users;
        Groups = groups;
    }

    private GeneratedAdUser CreateUser(
        int i, string department, bool lead, IReadOnlyList<string> direct, IReadOnlyList<string> all)
    {
        var sam = $"user{i:D3}";
        var given = GivenNames[i % GivenNames.Length];
        var sn = Surnames[i / GivenNames.Length % Surnames.Length];
        var cn = $"User {i.ToString(CultureInfo.InvariantCulture)}";
        string? mail = $"{sam}@{Realm}";
        var uac = NormalAccount;
        var expires = NeverExpires;
        switch (i)
        {
            case 1:
                (given, sn, cn) = ("John", "Smith", "Smith, John");
                break;
            case 2:
                (given, sn) = ("Zoë", "Ünal-Łukasz");
                break;
            case 3:
                mail = null;
                break;
            case 4:
                uac = NormalAccount | AccountDisable;
                break;
            case 5:
                expires = ExpiredAt;
                break;
            case 6:
                expires = 0;
                break;
        }

        var contractor = i % 10 == 0;
        var dn = $"CN={Ldif.EscapeDnValue(cn)},{(contractor ? ContractorsDN : UsersDN)}";
        var title = lead ? "Engineering Lead" : department switch
        {
            "R&D" => "Software Engineer",
            "Sales" => "Account Manager",
            "Platform" => "Platform Engineer",
            _ => "Support Engineer",
        };

        return new GeneratedAdUser(
            i, dn, cn, sam, $"{sam}@{Realm}", mail, given, sn, $"{given} {sn}", department, title,
            i.ToString(CultureInfo.InvariantCulture), contractor, uac, expires, direct, all, Guid.Empty);
    }

    private static void WriteUser(TextWriter w, GeneratedAdUser user, string password)
    {
        Ldif.WriteLine(w, "dn", user.Dn);
        Ldif.WriteLine(w, "objectClass", "user");
        Ldif.WriteLine(w, "cn", user.Cn);
        Ldif.WriteLine(w, "sAMAccountName", user.SamAccountName);
        Ldif.WriteLine(w, "userPrincipalName", user.UserPrincipalName);
        Ldif.WriteLine(w, "givenName", user.GivenName);
        Ldif.WriteLine(w, "sn", user.Sn);
        Ldif.WriteLine(w, "displayName", user.DisplayName);
        if (user.Mail is not null)
        {
            Ldif.WriteLine(w, "mail", user.Mail);
        }

        Ldif.WriteLine(w, "department", user.Department);
        Ldif.WriteLine(w, "title", user.Title);
        Ldif.WriteLine(w, "employeeID", user.EmployeeId);
        w.Write($"unicodePwd:: {UnicodePwdBase64(password)}\n");
        Ldif.WriteLine(w, "userAccountControl", user.UserAccountControl.ToString(CultureInfo.InvariantCulture));
        if (user.AccountExpires != NeverExpires)
        {
            Ldif.WriteLine(w, "accountExpires", user.AccountExpires.ToString(CultureInfo.InvariantCulture));
        }

        w.Write('\n');
    }

    private static void WriteGroup(TextWriter w, GeneratedAdGroup group)
    {
        Ldif.WriteLine(w, "dn", group.Dn);
        Ldif.WriteLine(w, "objectClass", "group");
        Ldif.WriteLine(w, "cn", group.Cn);
        Ldif.WriteLine(w, "sAMAccountName", group.Cn);
        Ldif.WriteLine(w, "groupType", GlobalSecurityGroupType.ToString(CultureInfo.InvariantCulture));
        foreach (var member in group.Members)
        {
            Ldif.WriteLine(w, "member", member);
        }

        w.Write('\n');
    }

    private static void WriteOu(TextWriter w, string dn, string ou)
    {
        Ldif.WriteLine(w, "dn", dn);
        Ldif.WriteLine(w, "objectClass", "organizationalUnit");
        Ldif.WriteLine(w, "ou", ou);
        w.Write('\n');
    }
}
