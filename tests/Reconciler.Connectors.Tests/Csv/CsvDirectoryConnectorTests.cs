using System.Text;
using Reconciler.Connectors.Csv;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Tests.Csv;

public sealed class CsvDirectoryConnectorTests : IDisposable
{
    private const string Header = "id,userName,email,displayName,givenName,surname,department,title,groups,organizationalUnit,enabled";

    private readonly CsvFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Type_IsCsv() => Assert.Equal(DirectorySourceType.Csv, new CsvDirectoryConnector().Type);

    [Fact]
    public async Task Import_ReadsEveryFieldOfEveryUserInFileOrder()
    {
        folder.Write("users.csv", $"""
            {Header}
            u2,bob,bob@example.com,Bob Builder,Bob,Builder,R&D,Engineer,eng;all,"ou=people,dc=example,dc=com",no
            u1,alice,alice@example.com,Alice Liddell,Alice,Liddell,Sales,Manager,all,ou=sales,true
            """);

        var snapshot = await folder.ImportAsync();

        Assert.Equal(("hr-export", true, false, CsvFolder.Now), (snapshot.Source, snapshot.Complete, snapshot.Failed, snapshot.ReadAt));
        Assert.Empty(snapshot.Problems);
        Assert.Equal(2, snapshot.GroupsSeen);
        Assert.True(snapshot.Duration > TimeSpan.Zero);
        Assert.Equal(["u2", "u1"], snapshot.Users.Select(u => u.Id));
        var bob = snapshot.Users[0];
        Assert.Equal(("bob", "bob@example.com", "Bob Builder", "Bob", "Builder", "R&D", "Engineer"),
            (bob.UserName, bob.Email, bob.Details.DisplayName, bob.Details.GivenName, bob.Details.Surname, bob.Details.Department, bob.Details.Title));
        Assert.Equal(["eng", "all"], bob.Groups);
        Assert.Equal("ou=people,dc=example,dc=com", bob.OrganizationalUnit);
        Assert.False(bob.Enabled);
        Assert.Null(bob.Attributes);
        Assert.True(snapshot.Users[1].Enabled);
    }

    [Fact]
    public async Task Import_ValuesThatRepeat_AreOneObjectForAllUsers()
    {
        folder.Write("users.csv", $"{Header},costCenter\n"
            + "u1,a,a@x.com,A A,Ann,Lee,R&D,Engineer,eng;all,ou=people,yes,CC-7\n"
            + "u2,b,b@x.com,B B,Ann,Lee,R&D,Engineer,eng;all,ou=people,yes,CC-7\n");

        var snapshot = await folder.ImportAsync();

        var (first, second) = (snapshot.Users[0], snapshot.Users[1]);
        Assert.Same(first.Details.GivenName, second.Details.GivenName);
        Assert.Same(first.Details.Department, second.Details.Department);
        Assert.Same(first.Details.Title, second.Details.Title);
        Assert.Same(first.OrganizationalUnit, second.OrganizationalUnit);
        Assert.Same(first.Groups, second.Groups);
        Assert.Same(first.Attributes!["costCenter"], second.Attributes!["costCenter"]);
    }

    [Fact]
    public async Task Import_MatchesColumnsByNameInAnyOrderAndCase_OptionalOnesMayBeMissing()
    {
        folder.Write("users.csv", "EMAIL, Id ,USERNAME\nalice@example.com,u1,alice\n");

        var user = Assert.Single((await folder.ImportAsync()).Users);

        Assert.Equal(("u1", "alice", "alice@example.com", "", true), (user.Id, user.UserName, user.Email, user.Details.Department, user.Enabled));
        Assert.Empty(user.Groups);
    }

    [Fact]
    public async Task Import_SplitsGroupsOnSemicolons_TrimsAndDropsEmpties()
    {
        folder.Write("users.csv", "id,userName,email,groups\nu1,a,a@x.com, eng ; all;;ops ;\nu2,b,b@x.com,all\nu3,c,c@x.com,\n");

        var snapshot = await folder.ImportAsync();

        Assert.Equal(["eng", "all", "ops"], snapshot.Users[0].Groups);
        Assert.Empty(snapshot.Users[2].Groups);
        Assert.Equal(3, snapshot.GroupsSeen);
    }

    [Fact]
    public async Task Import_PutsExtraColumnsIntoAttributesByHeaderName()
    {
        folder.Write("users.csv", "id,userName,costCenter,email,Location\nu1,a,CC-7,a@x.com,Berlin\nu2,b,,b@x.com,\n");

        var snapshot = await folder.ImportAsync();

        var attributes = snapshot.Users[0].Attributes!;
        Assert.Equal(2, attributes.Count);
        Assert.Equal("CC-7", attributes["costCenter"]);
        Assert.Equal("Berlin", attributes["Location"]);
        Assert.Null(snapshot.Users[1].Attributes);
    }

    [Fact]
    public async Task Import_FollowsTheSourcesAttributeMappingForColumnNames()
    {
        folder.Write("users.csv", "employeeNumber,login,mail\n1001,alice,alice@example.com\n");

        var snapshot = await folder.ImportAsync(attributes: new AttributeMapping { Id = "employeeNumber", UserName = "login", Email = "mail" });

        var user = Assert.Single(snapshot.Users);
        Assert.Equal(("1001", "alice", "alice@example.com"), (user.Id, user.UserName, user.Email));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("Yes", true)]
    [InlineData("1", true)]
    [InlineData("", true)]
    [InlineData("false", false)]
    [InlineData("No", false)]
    [InlineData("0", false)]
    public async Task Import_ReadsEnabled(string text, bool enabled)
    {
        folder.Write("users.csv", $"id,userName,email,enabled\nu1,a,a@x.com,{text}\n");
        Assert.Equal(enabled, Assert.Single((await folder.ImportAsync()).Users).Enabled);
    }

    public static TheoryData<string> ByteOrderMarks => new() { "utf-8", "utf-16LE", "utf-16BE" };

    [Theory]
    [MemberData(nameof(ByteOrderMarks))]
    public async Task Import_FileWithByteOrderMark_ImportsLikeOneWithout(string encoding)
    {
        const string content = "id,userName,email,displayName,groups\r\nu1,jörg,jorg@example.com,Jörg Müller,eng;all\r\nu2,zoë,zoe@example.com,\"Zoë, Q.\",\r\n";
        folder.Write("plain.csv", content);
        var withBom = Encoding.GetEncoding(encoding);
        Assert.NotEmpty(withBom.GetPreamble());
        var bytes = withBom.GetPreamble().Concat(withBom.GetBytes(content)).ToArray();
        await File.WriteAllBytesAsync(folder.PathOf("bom.csv"), bytes);

        var plain = await folder.ImportAsync("plain.csv");
        var bom = await folder.ImportAsync("bom.csv");

        Assert.Empty(bom.Problems);
        Assert.Equal(Describe(plain), Describe(bom));
        Assert.Equal("Jörg Müller", bom.Users[0].Details.DisplayName);
    }

    /// <remarks>
    /// A value with line breaks is parsed whole (the problem shows it), but no imported value may carry a control
    /// character, so its row is skipped, named by the line it starts on.
    /// </remarks>
    [Fact]
    public async Task Import_QuotedFieldsWithCommasAndLineBreaks_KeepLaterLineNumbersRight()
    {
        var path = folder.Write("users.csv", "id,userName,email,title\n"
            + "u1,a,a@x.com,\"Head of \"\"Sales\"\", EMEA\"\n"
            + "u2,b,b@x.com,\"first line\nsecond line\nthird line\"\n"
            + "\n"
            + "u3,c,c@x.com\n"
            + "u4,d,d@x.com,Engineer\n");

        var snapshot = await folder.ImportAsync();

        Assert.Equal(["u1", "u4"], snapshot.Users.Select(u => u.Id));
        Assert.Equal("Head of \"Sales\", EMEA", snapshot.Users[0].Details.Title);
        Assert.Equal(
            [
                $"{path}:3: title contains the control character U+000A ('first line\\u{{000A}}second line\\u{{000A}}thi… (33 characters)'); row skipped",
                $"{path}:7: expected 4 fields as in the header, found 3; row skipped",
            ],
            snapshot.Problems);
    }

    [Fact]
    public async Task Import_WindowsLineEndings_CountLinesOnce()
    {
        var path = folder.Write("users.csv", "id,userName,email,enabled\r\nu1,a,a@x.com,yes\r\n\r\nu2,b,b@x.com,maybe\r\n");

        var snapshot = await folder.ImportAsync();

        Assert.Equal([$"{path}:4: enabled is 'maybe'; write true/false, yes/no or 1/0; row skipped"], snapshot.Problems);
    }

    [Fact]
    public async Task Import_ReportsProgressEveryThousandRowsAndAtTheEnd()
    {
        var rows = Enumerable.Range(0, 2500).Select(i => $"u{i},user{i},user{i}@x.com");
        folder.Write("users.csv", "id,userName,email\n" + string.Join("\n", rows));
        var progress = new RecordedProgress();

        var snapshot = await folder.ImportAsync(progress: progress);

        Assert.Equal(2500, snapshot.Users.Count);
        Assert.Equal([1000L, 2000L, 2500L], progress.Reports.Select(p => p.UsersRead));
        Assert.All(progress.Reports, p => Assert.Equal("hr-export", p.Source));
    }

    [Fact]
    public async Task Import_EmptyExport_ReportsZeroOnce()
    {
        folder.Write("users.csv", "id,userName,email\n");
        var progress = new RecordedProgress();

        var snapshot = await folder.ImportAsync(progress: progress);

        Assert.Empty(snapshot.Users);
        Assert.True(snapshot.Complete);
        Assert.Equal([0L], progress.Reports.Select(p => p.UsersRead));
    }

    [Fact]
    public async Task Import_ResolvesThePathAgainstTheYamlFolder()
    {
        folder.Write(Path.Combine("exports", "hr.csv"), "id,userName,email\nu1,a,a@x.com\n");
        Assert.Single((await folder.ImportAsync(Path.Combine("exports", "hr.csv"))).Users);
    }

    [Fact]
    public async Task Import_Cancelled_Throws()
    {
        folder.Write("users.csv", "id,userName,email\nu1,a,a@x.com\n");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => folder.ImportAsync(cancellationToken: new CancellationToken(true)));
    }

    private static string Describe(DirectorySnapshot snapshot) => string.Join("\n", snapshot.Users.Select(u =>
        $"{u.Id}|{u.UserName}|{u.Email}|{u.Details.DisplayName}|{string.Join(";", u.Groups)}|{u.Enabled}"));
}
