using Reconciler.Core.Status;

namespace Reconciler.Connectors.Tests.Csv;

/// <summary>What a user sees for a bad row (skipped, named by line) and for a bad file (nothing imported).</summary>
public sealed class CsvProblemTests : IDisposable
{
    private readonly CsvFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("u2,b,b@x.com,yes,extra", "expected 4 fields as in the header, found 5; row skipped")]
    [InlineData("u2,b", "expected 4 fields as in the header, found 2; row skipped")]
    [InlineData(" ,b,b@x.com,yes", "id is empty; row skipped")]
    [InlineData("u2,b,b@x.com,maybe", "enabled is 'maybe'; write true/false, yes/no or 1/0; row skipped")]
    [InlineData("u1,again,again@x.com,yes", "id 'u1' appears again (first on line 2); row skipped")]
    public async Task Import_BadRow_IsSkippedAndNamedByItsLine_OthersAreKept(string badRow, string problem)
    {
        var path = folder.Write("users.csv", $"id,userName,email,enabled\nu1,a,a@x.com,yes\n\n{badRow}\nu3,c,c@x.com,no\n");

        var snapshot = await folder.ImportAsync();

        Assert.Equal([$"{path}:4: {problem}"], snapshot.Problems);
        Assert.Equal(["u1", "u3"], snapshot.Users.Select(u => u.Id));
        Assert.False(snapshot.Complete);
        Assert.False(snapshot.Failed);
    }

    [Fact]
    public async Task Import_ManyBadRows_ShowsTheFirstHundredAndCountsTheRest()
    {
        var path = folder.Write("users.csv", "id,userName,email\n" + string.Concat(Enumerable.Repeat(",a,a@x.com\n", 150)));

        var snapshot = await folder.ImportAsync();

        Assert.Equal(101, snapshot.Problems.Count);
        Assert.Equal($"{path}: 50 more problems not shown", snapshot.Problems[^1]);
    }

    [Fact]
    public async Task Import_MissingFile_Fails()
    {
        AssertFailed(await folder.ReadAsync("nowhere.csv"), $"{folder.PathOf("nowhere.csv")}: file not found");
    }

    [Fact]
    public async Task Import_PathIsAFolder_Fails()
    {
        Directory.CreateDirectory(folder.PathOf("users.csv"));
        AssertFailed(await folder.ReadAsync(), $"{folder.PathOf("users.csv")}: is a folder, not a CSV file");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    [InlineData("\n  \n\n")]
    public async Task Import_EmptyFile_Fails(string content)
    {
        var path = folder.Write("users.csv", content);
        AssertFailed(await folder.ReadAsync(), $"{path}: the file is empty; expected a header row such as id,userName,email");
    }

    [Theory]
    [InlineData("id,userName,mail,displayName", "missing column 'email'")]
    [InlineData("id,displayName", "missing columns 'userName', 'email'")]
    [InlineData("id;userName;email", "missing columns 'id', 'userName', 'email'; the header looks separated by ';', but columns must be separated by ','")]
    [InlineData("id,userName,email,Email", "column 'Email' appears twice")]
    public async Task Import_UnusableHeader_Fails(string header, string problem)
    {
        var path = folder.Write("users.csv", $"{header}\nu1,a,a@x.com,A\n");
        AssertFailed(await folder.ReadAsync(), $"{path}:1: {problem}");
    }

    [Fact]
    public async Task Import_UnterminatedQuote_FailsAtItsLine()
    {
        var path = folder.Write("users.csv", "id,userName,email,title\nu1,a,a@x.com,ok\nu2,b,b@x.com,\"never closed\nu3,c,c@x.com,fine\n");

        AssertFailed(await folder.ReadAsync(), $"{path}:3: broken quoting: a quoted field is never closed " +
            "(write a quote inside a quoted field as \"\"); nothing after it can be trusted");
    }

    [Fact]
    public async Task Import_StrayQuoteInUnquotedField_FailsAtItsLine()
    {
        var path = folder.Write("users.csv", "id,userName,email,title\nu1,a,a@x.com,ok\n\nu2,b,b@x.com,6\" tall\nu3,c,c@x.com,fine\n");

        AssertFailed(await folder.ReadAsync(), $"{path}:4: broken quoting: a quote inside a field that does not start with one " +
            "(write a quote inside a quoted field as \"\"); nothing after it can be trusted");
    }

    [Fact]
    public async Task Import_TextAfterAClosingQuote_FailsAtItsLine()
    {
        var path = folder.Write("users.csv", "id,userName,email,title\nu1,a,a@x.com,\"Boss\" of all\n");

        AssertFailed(await folder.ReadAsync(), $"{path}:2: broken quoting: text after the closing quote of a field " +
            "(write a quote inside a quoted field as \"\"); nothing after it can be trusted");
    }

    [Fact]
    public async Task Import_QuoteThatSwallowsALaterLineAndBreaksTheRow_FailsAtWhereItOpened()
    {
        var path = folder.Write("users.csv", "id,userName,email,title\nu1,a,a@x.com,\"Boss\nu2,b,b@x.com,\",x\nu3,c,c@x.com,fine\n");

        AssertFailed(await folder.ReadAsync(), $"{path}:2: broken quoting: a quoted field runs over several lines and leaves the row with 5 fields " +
            "instead of 4; check the quotes from this line on");
    }

    [Fact]
    public async Task Import_NotUtf8_Fails()
    {
        // "Jörg" as Excel's "CSV (Comma delimited)" saves it: Windows-1252, where ö is the single byte 0xF6.
        var bytes = "id,userName,email,displayName\nu1,j,j@x.com,J"u8.ToArray().Concat(new byte[] { 0xF6, (byte)'r', (byte)'g', (byte)'\n' }).ToArray();
        await File.WriteAllBytesAsync(folder.PathOf("users.csv"), bytes);

        AssertFailed(await folder.ReadAsync(), $"{folder.PathOf("users.csv")}:2: the file is not UTF-8 text (byte 0xF6 on this line is not UTF-8); " +
            "save it as UTF-8, e.g. 'CSV UTF-8' in Excel");
    }

    [Fact]
    public async Task Import_PathNotSet_Fails()
    {
        AssertFailed(await folder.ReadAsync(" "), "DirectorySource hr-export: spec.csv.path is not set");
    }

    [Fact]
    public async Task Import_PathIsADevice_FailsInsteadOfReadingForever()
    {
        AssertFailed(await folder.ReadAsync("/dev/zero"), "/dev/zero: is not a regular file (a device or a pipe?); point spec.csv.path at a CSV file");
    }

    /// <summary>Every failure of the file's path or content waits for a person (Stalling); the message names the file.</summary>
    private static void AssertFailed(CsvRead read, string problem)
    {
        Assert.NotNull(read.Failure);
        Assert.Equal((problem, ErrorClass.Stalling), (read.Failure.Message, read.Failure.ErrorClass));
        var snapshot = read.Snapshot;
        Assert.Equal(problem, Assert.Single(snapshot.Problems));
        Assert.True(snapshot.Failed);
        Assert.False(snapshot.Complete);
        Assert.Empty(snapshot.Users);
        Assert.Equal("hr-export", snapshot.Source);
    }
}
