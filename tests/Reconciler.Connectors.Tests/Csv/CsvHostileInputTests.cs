using System.Text;
using Reconciler.Core.Status;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Tests.Csv;

/// <summary>
/// An export from outside may hold anything: invisible characters, values of megabytes, binary. A bad value skips its
/// row, named by line, without echoing it raw; a file no reader should buffer fails the read without being buffered.
/// </summary>
public sealed class CsvHostileInputTests : IDisposable
{
    private const string Header = "id,userName,email,displayName,title,department,groups,costCenter";

    private readonly CsvFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("displayName", "Eve\0Null", "displayName contains the control character U+0000 ('Eve\\u{0000}Null')")]
    [InlineData("userName", "admin\u202Egpj.exe", "userName contains the control character U+202E ('admin\\u{202E}gpj.exe')")]
    [InlineData("title", "Boss\u0007", "title contains the control character U+0007 ('Boss\\u{0007}')")]
    [InlineData("department", "R\u0085D", "department contains the control character U+0085 ('R\\u{0085}D')")]
    [InlineData("groups", "eng;a\u2066ll", "groups contains the control character U+2066 ('a\\u{2066}ll')")]
    [InlineData("costCenter", "CC\u001B[31m", "attribute costCenter contains the control character U+001B ('CC\\u{001B}[31m')")]
    public async Task Import_ControlCharacterInAValue_SkipsItsRowByLine_WithoutEchoingIt(string column, string value, string problem)
    {
        var path = folder.Write("users.csv", $"{Header}\nu1,a,a@x.com,A,T,D,eng,CC1\n{Row("u2", column, value)}\nu3,c,c@x.com,C,T,D,eng,CC3\n");

        var snapshot = await folder.ImportAsync();

        Assert.Equal([$"{path}:3: {problem}; row skipped"], snapshot.Problems);
        Assert.Null(SafeText.FirstUnsafe(snapshot.Problems[0]));
        Assert.Equal(["u1", "u3"], snapshot.Users.Select(u => u.Id));
        Assert.False(snapshot.Complete);
    }

    [Theory]
    [InlineData(1024, null)]
    [InlineData(1025, "displayName is 1,025 characters long; at most 1,024 are allowed")]
    [InlineData(500_000, "displayName is 500,000 characters long; at most 1,024 are allowed")]
    public async Task Import_LongDisplayName_IsSkippedPastTheLimit(int length, string? problem)
    {
        var path = folder.Write("users.csv", $"{Header}\n{Row("u1", "displayName", new string('x', length))}\n");

        var snapshot = await folder.ImportAsync();

        Assert.Equal(problem is null ? [] : [$"{path}:2: {problem}; row skipped"], snapshot.Problems);
        Assert.Equal(problem is null ? 1 : 0, snapshot.Users.Count);
    }

    [Fact]
    public async Task Import_TooManyGroups_SkipsTheRow()
    {
        var groups = string.Join(";", Enumerable.Range(0, 2001).Select(i => $"g{i}"));
        var path = folder.Write("users.csv", $"{Header}\n{Row("u1", "groups", "eng")}\n{Row("u2", "groups", groups)}\n");

        var snapshot = await folder.ImportAsync();

        Assert.Equal([$"{path}:3: the user is in 2,001 groups; at most 2,000 are read; row skipped"], snapshot.Problems);
        Assert.Equal(1, snapshot.GroupsSeen);
    }

    [Fact]
    public async Task Import_ValuesEchoedInProblems_AreEscaped()
    {
        var path = folder.Write("users.csv", "id,userName,email,enabled\n" +
            "u\u202E1,a,a@x.com,yes\nu\u202E1,b,b@x.com,yes\nu3,c,c@x.com,ye\u202Es\n");

        var snapshot = await folder.ImportAsync();

        Assert.Equal(
            [
                $"{path}:2: id contains the control character U+202E ('u\\u{{202E}}1'); row skipped",
                $"{path}:3: id 'u\\u{{202E}}1' appears again (first on line 2); row skipped",
                $"{path}:4: enabled is 'ye\\u{{202E}}s'; write true/false, yes/no or 1/0; row skipped",
            ],
            snapshot.Problems);
    }

    [Fact]
    public async Task Import_ControlCharacterInAColumnName_FailsTheHeaderOnce()
    {
        var path = folder.Write("users.csv", "id,userName,email,cost\u0007Center\nu1,a,a@x.com,1\nu2,b,b@x.com,2\n");

        var read = await folder.ReadAsync();

        Assert.Equal((ErrorClass.Stalling, $"{path}:1: the name of column 4 contains the control character U+0007 ('cost\\u{{0007}}Center')"),
            (read.Failure?.ErrorClass, read.Failure?.Message));
    }

    [Fact]
    public async Task Import_Utf16WithoutByteOrderMark_SaysSo()
    {
        var path = folder.Write("users.csv", "id,userName,email\nu1,a,a@x.com\n", new UnicodeEncoding(bigEndian: false, byteOrderMark: false));

        var read = await folder.ReadAsync();

        Assert.Equal($"{path}:1: the name of column 1 contains the control character U+0000 ('i\\u{{0000}}d\\u{{0000}}'); " +
            "is the file UTF-16 without a byte-order mark? Save it as UTF-8", read.Failure?.Message);
    }

    [Fact]
    public async Task Import_BinaryAfterAValidHeader_FailsAtTheLineOfTheBadBytes()
    {
        var path = folder.PathOf("users.csv");
        await File.WriteAllBytesAsync(path, [.. "id,userName,email\nu1,a,a@x.com\n"u8, 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'\n']);

        var read = await folder.ReadAsync();

        Assert.Equal((ErrorClass.Stalling, $"{path}:3: the file is not UTF-8 text (byte 0xFF on this line is not UTF-8); save it as UTF-8, e.g. 'CSV UTF-8' in Excel"),
            (read.Failure?.ErrorClass, read.Failure?.Message));
    }

    /// <remarks>Far past the first buffer, after Windows and old Mac line ends and a quoted field over two lines.</remarks>
    [Fact]
    public async Task Import_BadBytesDeepInTheFile_CountEveryKindOfLineBreak()
    {
        var text = new StringBuilder("id,userName,email,title\r\n");
        for (var i = 0; i < 5000; i++) text.Append($"u{i},user{i},user{i}@example.com,Engineer\r\n");
        text.Append("u-q,q,q@x.com,\"two\r\nlines\"\r\n").Append("\r\n").Append('\r').Append("u-bad,J");
        var path = folder.PathOf("users.csv");
        await File.WriteAllBytesAsync(path, [.. Encoding.UTF8.GetBytes(text.ToString()), 0xF6, (byte)'r', (byte)'g', (byte)'\n']);

        var read = await folder.ReadAsync();

        Assert.StartsWith($"{path}:5006: the file is not UTF-8 text (byte 0xF6 on this line", read.Failure?.Message);
    }

    [Fact]
    public async Task Import_HugeRow_FailsWithoutBufferingIt()
    {
        // 4 GiB of NULs on line 2, sparse on disk: read whole, it would take minutes and gigabytes.
        var path = folder.Write("users.csv", "id,userName,email\n");
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write)) file.SetLength(4L << 30);

        var read = await folder.ReadAsync();

        Assert.Equal((ErrorClass.Stalling, $"{path}:2: the row is longer than 1,048,576 characters, more than any user needs; the file is not read"),
            (read.Failure?.ErrorClass, read.Failure?.Message));
        Assert.Empty(read.Users);
    }

    [Fact]
    public async Task Import_QuoteThatNeverCloses_FailsOnceItHasRunOnForAMegabyte()
    {
        var text = new StringBuilder("id,userName,email,title\nu1,a,a@x.com,ok\nu2,b,b@x.com,\"Boss\n");
        for (var i = 0; i < 20_000; i++) text.Append($"u{i},user{i},user{i}@example.com,{new string('t', 40)}\n");
        var path = folder.Write("users.csv", text.ToString());

        var read = await folder.ReadAsync();

        Assert.Equal($"{path}:3: a quoted field runs on for more than 1,048,576 characters; check the quotes from this line on", read.Failure?.Message);
    }

    [Fact]
    public async Task Import_RowJustUnderTheLimit_IsReadAndItsValueChecked()
    {
        var path = folder.Write("users.csv", $"{Header}\n{Row("u1", "costCenter", new string('c', (1 << 20) - 100))}\nu2,b,b@x.com,B,T,D,eng,CC\n");

        var snapshot = await folder.ImportAsync();

        Assert.Equal([$"{path}:2: attribute costCenter is 1,048,476 characters long; at most 1,024 are allowed; row skipped"], snapshot.Problems);
        Assert.Equal("u2", Assert.Single(snapshot.Users).Id);
    }

    /// <summary>A row of the header's columns with plain values, one of them replaced.</summary>
    private static string Row(string id, string column, string value)
    {
        var fields = new[] { id, $"user-{id}", $"{id}@x.com", "Name", "Title", "Dept", "eng", "CC" };
        fields[Array.IndexOf(Header.Split(','), column)] = value;
        return string.Join(",", fields);
    }
}
