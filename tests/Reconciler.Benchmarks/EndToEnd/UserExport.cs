using System.Text;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>One row of a directory export, in the columns of config-samples/users.csv.</summary>
public sealed record ExportedUser(
    string Id, string UserName, string Email, string DisplayName, string GivenName, string Surname,
    string Department, string Title, IReadOnlyList<string> Groups, string OrganizationalUnit, bool Enabled)
{
    public string Line()
    {
        var line = new StringBuilder(256);
        Field(line, Id).Append(',');
        Field(line, UserName).Append(',');
        Field(line, Email).Append(',');
        Field(line, DisplayName).Append(',');
        Field(line, GivenName).Append(',');
        Field(line, Surname).Append(',');
        Field(line, Department).Append(',');
        Field(line, Title).Append(',');
        Field(line, string.Join(';', Groups)).Append(',');
        Field(line, OrganizationalUnit).Append(',');
        return line.Append(Enabled ? "true" : "false").ToString();
    }

    /// <summary>RFC 4180: quote a field that holds a comma, a quote or a line break; double the quotes inside.</summary>
    private static StringBuilder Field(StringBuilder line, string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0
            ? line.Append(value)
            : line.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
}

/// <summary>The one row that differs between two otherwise equal exports.</summary>
public sealed record ChangedRow(int Index, string Id, string Field, string From, string To);

/// <summary>
/// A realistic and deterministic export of a company directory: row i is the same in every file and every run
/// (its generator is seeded by i alone), so the 200,000-row file is the first 200,000 rows of the 1,000,000-row one.
/// Departments, titles, OUs and groups vary the way the sample mappings care about: engineers in R&amp;D and
/// Platform, executives, a research OU, contractors (a quoted "Contractor, …" title), about 1% disabled accounts,
/// users in several groups, names with accents and apostrophes. Ids, user names and emails are unique.
/// </summary>
public static class UserExport
{
    public const string Header = "id,userName,email,displayName,givenName,surname,department,title,groups,organizationalUnit,enabled";

    public static ExportedUser User(int index)
    {
        var random = new SplitMix64(new SplitMix64((ulong)index).Next() ^ 0x5EED_2026_0000_0001);
        var (given, givenAscii) = random.Pick(GivenNames);
        var (surname, surnameAscii) = random.Pick(Surnames);
        var department = PickDepartment(ref random);
        var title = random.Pick(department.Titles);
        var contractor = department.HasContractors && random.Chance(0.03);
        if (contractor) title = $"Contractor, {department.Name}";

        var groups = new List<string>(4) { "all-staff" };
        if (department.Name == "Leadership" || (title is "Director" && random.Chance(0.2))) groups.Add("executives");
        foreach (var (group, share) in department.Groups)
        {
            if (random.Chance(share)) groups.Add(group);
        }
        if (title.Contains("Manager", StringComparison.Ordinal) || title.Contains("Director", StringComparison.Ordinal)) groups.Add("people-managers");
        if (department.Name == "Sales") groups.Add(random.Pick(SalesRegions));

        var id = random.Next();
        return new ExportedUser(
            Id: $"{(uint)(id >> 32):x8}-{(ushort)(id >> 16):x4}-4{(ushort)id & 0xfff:x3}-a{index >> 20 & 0xfff:x3}-{index:x12}",
            UserName: $"{givenAscii[0]}{surnameAscii}{index}",
            Email: $"{givenAscii}.{surnameAscii}{index}@example.com",
            DisplayName: $"{given} {surname}",
            GivenName: given,
            Surname: surname,
            Department: department.Name,
            Title: title,
            Groups: groups,
            OrganizationalUnit: department.OrganizationalUnit,
            Enabled: !random.Chance(0.01));
    }

    /// <summary>Writes rows 0..count-1 in order, with <paramref name="change"/> applied to its row when given.</summary>
    public static async Task WriteAsync(string path, int count, ChangedRow? change = null)
    {
        await using var writer = Open(path);
        await writer.WriteLineAsync(Header);
        for (var i = 0; i < count; i++)
        {
            var user = User(i);
            if (change is not null && i == change.Index) user = user with { Department = change.To };
            await writer.WriteLineAsync(user.Line());
        }
    }

    /// <summary>The same rows as <see cref="WriteAsync"/> in a shuffled order: different bytes, the same users.</summary>
    public static async Task WriteShuffledAsync(string path, int count, ulong seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var random = new SplitMix64(seed);
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.Below(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        await using var writer = Open(path);
        await writer.WriteLineAsync(Header);
        foreach (var i in order) await writer.WriteLineAsync(User(i).Line());
    }

    /// <summary>
    /// A department move of one enabled, mapped user in the middle of the file (Sales → Finance keeps the same
    /// mapping, so the store should see one field of one user change).
    /// </summary>
    public static ChangedRow PickChange(int count)
    {
        for (var i = count / 2; i < count; i++)
        {
            var user = User(i);
            if (user is { Enabled: true, Department: "Sales" } && !user.Title.StartsWith("Contractor", StringComparison.Ordinal))
            {
                return new ChangedRow(i, user.Id, "department", user.Department, "Finance");
            }
        }
        throw new InvalidOperationException($"no Sales user in the second half of {count} rows to change");
    }

    private static StreamWriter Open(string path) =>
        new(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 20) { NewLine = "\n" };

    private static Department PickDepartment(ref SplitMix64 random)
    {
        var roll = random.Below(TotalWeight);
        foreach (var department in Departments)
        {
            if ((roll -= department.Weight) < 0) return department;
        }
        return Departments[^1];
    }

    private sealed record Department(
        string Name, int Weight, string[] Titles, string OrganizationalUnit, (string Group, double Share)[] Groups, bool HasContractors = false);

    private const string People = "ou=people,dc=example,dc=com";
    private const string Engineering = "ou=engineering,ou=people,dc=example,dc=com";

    private static readonly Department[] Departments =
    [
        new("R&D", 16, ["Engineer", "Senior Engineer", "Staff Engineer", "QA Engineer", "Engineering Manager"], Engineering,
            [("engineering", 0.95), ("oncall", 0.15)], HasContractors: true),
        new("Platform", 10, ["Engineer", "Senior Engineer", "Site Reliability Engineer", "Engineering Manager"], Engineering,
            [("engineering", 0.95), ("oncall", 0.4)], HasContractors: true),
        new("Research", 7, ["Scientist", "Research Scientist", "Lab Technician", "Director"], "ou=labs,ou=research,dc=example,dc=com",
            [("engineering", 0.1)]),
        new("Sales", 20, ["Account Manager", "Account Executive", "Sales Engineer", "Director"], "ou=sales,ou=people,dc=example,dc=com",
            [("sales", 1.0)]),
        new("Marketing", 8, ["Marketing Manager", "Content Strategist", "Designer", "Director"], People, [("marketing", 1.0)]),
        new("Support", 12, ["Support Specialist", "Support Engineer", "Team Lead"], People, [("support", 1.0), ("oncall", 0.2)],
            HasContractors: true),
        new("Finance", 6, ["Accountant", "Financial Analyst", "Controller"], People, [("finance", 1.0)]),
        new("HR", 4, ["Recruiter", "HR Business Partner", "People Operations Specialist"], People, [("hr", 1.0)]),
        new("Legal", 2, ["Counsel", "Paralegal"], People, [("legal", 1.0)]),
        new("Operations", 13, ["Operations Manager", "Facilities Coordinator", "IT Technician"], People, [("operations", 1.0)],
            HasContractors: true),
        new("Leadership", 2, ["VP", "Director", "Chief of Staff"], People, [("engineering", 0.2)]),
    ];

    private static readonly int TotalWeight = Departments.Sum(d => d.Weight);

    private static readonly string[] SalesRegions = ["sales-emea", "sales-amer", "sales-apac"];

    private static readonly (string Name, string Ascii)[] GivenNames =
    [
        ("Ada", "ada"), ("Ben", "ben"), ("Cleo", "cleo"), ("Dev", "dev"), ("Eli", "eli"), ("Fay", "fay"), ("Gus", "gus"),
        ("Hana", "hana"), ("Ivan", "ivan"), ("Jo", "jo"), ("Kai", "kai"), ("Lena", "lena"), ("Milo", "milo"), ("Nia", "nia"),
        ("Omar", "omar"), ("Pia", "pia"), ("Quinn", "quinn"), ("Rosa", "rosa"), ("Sam", "sam"), ("Tara", "tara"),
        ("Uma", "uma"), ("Vik", "vik"), ("Wren", "wren"), ("Xena", "xena"), ("Yuri", "yuri"), ("Zoë", "zoe"),
        ("José", "jose"), ("Søren", "soren"), ("Aoife", "aoife"), ("Chloé", "chloe"), ("Mateo", "mateo"), ("Priya", "priya"),
        ("Wei", "wei"), ("Amara", "amara"), ("Lars", "lars"), ("Noor", "noor"), ("Ines", "ines"), ("Kofi", "kofi"),
    ];

    private static readonly (string Name, string Ascii)[] Surnames =
    [
        ("Lovelace", "lovelace"), ("Okafor", "okafor"), ("Martin", "martin"), ("Patel", "patel"), ("Nakamura", "nakamura"),
        ("Schmidt", "schmidt"), ("Rossi", "rossi"), ("Kim", "kim"), ("Novak", "novak"), ("Silva", "silva"), ("Berg", "berg"),
        ("Dubois", "dubois"), ("Ivanova", "ivanova"), ("Haddad", "haddad"), ("Costa", "costa"), ("Moreau", "moreau"),
        ("Larsen", "larsen"), ("García", "garcia"), ("Chen", "chen"), ("Walsh", "walsh"), ("Sato", "sato"),
        ("Kowalski", "kowalski"), ("Fischer", "fischer"), ("Lund", "lund"), ("Petrov", "petrov"), ("Brown", "brown"),
        ("O'Brien", "obrien"), ("Müller", "muller"), ("Nguyen", "nguyen"), ("Díaz", "diaz"), ("Meyer", "meyer"),
        ("Ortiz", "ortiz"), ("Khan", "khan"), ("Ali", "ali"), ("Young", "young"), ("Van der Berg", "vanderberg"),
        ("Mensah", "mensah"), ("Øster", "oster"), ("Reyes", "reyes"), ("Hill", "hill"),
    ];
}
