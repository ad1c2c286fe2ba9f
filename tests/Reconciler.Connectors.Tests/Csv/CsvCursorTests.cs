using Reconciler.Connectors.Csv;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;

namespace Reconciler.Connectors.Tests.Csv;

/// <summary>
/// A CSV read's cursor is a fingerprint of the file, the attribute mapping and the reader's format: an unchanged
/// export is not parsed again, and anything that could change the users read makes the next read a full one.
/// </summary>
public sealed class CsvCursorTests : IDisposable
{
    private const string Users = "id,userName,email,groups\nu1,alice,alice@x.com,eng;all\nu2,bob,bob@x.com,all\n";

    private readonly CsvFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Read_WithoutCursor_IsFullAndEndsWithAFingerprint()
    {
        folder.Write("users.csv", Users);

        var read = await folder.ReadAsync();

        Assert.Equal((ReadMode.Full, 2), (read.End.Mode, read.End.GroupsSeen));
        Assert.Matches("^csv-1:[0-9a-f]{32}:[0-9]+:[0-9]+$", read.End.NextCursor);
        Assert.Equal(["u1", "u2"], read.Users.Select(u => u.Id));
    }

    [Fact]
    public async Task Read_UnchangedFileWithItsCursor_IsAnEmptyDeltaWithoutParsing()
    {
        folder.Write("users.csv", Users);
        var cursor = (await folder.ReadAsync()).End.NextCursor;
        var progress = new RecordedProgress();

        var again = await folder.ReadAsync(cursor: cursor, progress: progress);

        Assert.Equal([new ReadEnd(ReadMode.Delta, cursor)], again.Entries);
        Assert.Empty(progress.Reports);
    }

    [Fact]
    public async Task Read_ChangedFileWithTheOldCursor_IsFullWithANewCursor()
    {
        folder.Write("users.csv", Users);
        var cursor = (await folder.ReadAsync()).End.NextCursor;
        folder.Write("users.csv", Users.Replace("bob@x.com", "rob@x.com", StringComparison.Ordinal));

        var again = await folder.ReadAsync(cursor: cursor);

        Assert.Equal(ReadMode.Full, again.End.Mode);
        Assert.NotNull(again.End.NextCursor);
        Assert.NotEqual(cursor, again.End.NextCursor);
        Assert.Equal("rob@x.com", again.Users[1].Email);
    }

    [Fact]
    public async Task CursorHash_DescribesTheBytes_NotTheFileOrWhenItWasRead()
    {
        folder.Write("users.csv", Users);
        folder.Write("copy.csv", Users);

        var first = (await folder.ReadAsync()).End.NextCursor!;
        File.SetLastWriteTimeUtc(folder.PathOf("users.csv"), DateTime.UtcNow.AddHours(-3));
        var touched = (await folder.ReadAsync()).End.NextCursor!;
        var copy = (await folder.ReadAsync("copy.csv")).End.NextCursor!;

        Assert.Equal(HashOf(first), HashOf(touched));
        Assert.Equal(HashOf(first), HashOf(copy));
        Assert.NotEqual(first, touched);
    }

    [Fact]
    public async Task Read_TouchedFileWithTheOldCursor_IsReadInFull_ThenItsNewCursorIsAnEmptyDelta()
    {
        folder.Write("users.csv", Users);
        var cursor = (await folder.ReadAsync()).End.NextCursor;
        File.SetLastWriteTimeUtc(folder.PathOf("users.csv"), DateTime.UtcNow.AddHours(-3));

        var touched = await folder.ReadAsync(cursor: cursor);
        var again = await folder.ReadAsync(cursor: touched.End.NextCursor);

        Assert.Equal((ReadMode.Full, 2), (touched.End.Mode, touched.Users.Count));
        Assert.Equal([new ReadEnd(ReadMode.Delta, touched.End.NextCursor)], again.Entries);
    }

    [Fact]
    public async Task Read_FileRewrittenToTheSameLengthAndTime_IsStillSeenToHaveChanged()
    {
        folder.Write("users.csv", Users);
        var modified = File.GetLastWriteTimeUtc(folder.PathOf("users.csv"));
        var cursor = (await folder.ReadAsync()).End.NextCursor;
        folder.Write("users.csv", Users.Replace("bob@x.com", "rob@x.com", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(folder.PathOf("users.csv"), modified);

        var again = await folder.ReadAsync(cursor: cursor);

        Assert.Equal(ReadMode.Full, again.End.Mode);
        Assert.Equal("rob@x.com", again.Users[1].Email);
    }

    /// <summary>The cursor without the file's length and time: format version and hash.</summary>
    private static string HashOf(string cursor) => string.Join(':', cursor.Split(':')[..2]);

    [Fact]
    public async Task Read_ChangedAttributeMapping_ChangesTheCursorAndReadsInFull()
    {
        folder.Write("users.csv", "id,userName,email,login\nu1,alice,alice@x.com,al\n");
        var cursor = (await folder.ReadAsync()).End.NextCursor;
        var mapping = new AttributeMapping { UserName = "login" };

        var remapped = await folder.ReadAsync(cursor: cursor, attributes: mapping);
        var remappedAgain = await folder.ReadAsync(cursor: remapped.End.NextCursor, attributes: mapping);
        var otherMapping = await folder.ReadAsync(cursor: remapped.End.NextCursor, attributes: new AttributeMapping { UserName = "userName" });

        Assert.Equal(ReadMode.Full, remapped.End.Mode);
        Assert.NotEqual(cursor, remapped.End.NextCursor);
        Assert.Equal("al", Assert.Single(remapped.Users).UserName);
        Assert.Equal(ReadMode.Delta, remappedAgain.End.Mode);
        Assert.Equal(ReadMode.Full, otherMapping.End.Mode);
        Assert.NotEqual(remapped.End.NextCursor, otherMapping.End.NextCursor);
    }

    [Fact]
    public async Task Read_CursorOfAnotherFormatOrSource_IsFull()
    {
        folder.Write("users.csv", Users);
        var cursor = (await folder.ReadAsync()).End.NextCursor!;

        var otherFormat = await folder.ReadAsync(cursor: "csv-0:" + cursor["csv-1:".Length..]);
        var foreign = await folder.ReadAsync(cursor: "usn:123456");

        Assert.Equal((ReadMode.Full, 2, cursor), (otherFormat.End.Mode, otherFormat.Users.Count, otherFormat.End.NextCursor));
        Assert.Equal((ReadMode.Full, 2, cursor), (foreign.End.Mode, foreign.Users.Count, foreign.End.NextCursor));
    }

    /// <remarks>
    /// An incomplete read must not become the base of a delta: an empty delta next time would say "nothing is
    /// missing", and the users of the skipped rows would look deleted.
    /// </remarks>
    [Fact]
    public async Task Read_ThatSkippedARow_GivesNoCursor_SoTheNextReadReportsItAgain()
    {
        var path = folder.Write("users.csv", Users + "u3,carol\n");

        var first = await folder.ReadAsync();
        var second = await folder.ReadAsync(cursor: first.End.NextCursor);

        Assert.Null(first.End.NextCursor);
        Assert.Equal([$"{path}:4: expected 4 fields as in the header, found 2; row skipped"], second.Problems);
        Assert.Equal(ReadMode.Full, second.End.Mode);
    }

    [Fact]
    public async Task Read_FileThatGrowsWhileItIsRead_FailsTransiently()
    {
        var path = WriteLargeExport();
        var failure = await ReadChangingAsync(() => File.AppendAllText(path, "u-late,late,late@x.com\n"));

        Assert.Equal(ErrorClass.Transient, failure.ErrorClass);
        Assert.Equal($"{path}: the file changed while it was read; it is read again on the next pass", failure.Message);
    }

    [Fact]
    public async Task Read_FileRewrittenInPlaceWhileItIsRead_FailsTransiently()
    {
        var path = WriteLargeExport();
        var failure = await ReadChangingAsync(() =>
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                stream.Position = stream.Length - 2;
                stream.WriteByte((byte)'X');
            }
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        });

        Assert.Equal(ErrorClass.Transient, failure.ErrorClass);
        Assert.Contains("the file changed while it was read", failure.Message, StringComparison.Ordinal);
    }

    private string WriteLargeExport()
    {
        var path = folder.PathOf("users.csv");
        using var writer = new StreamWriter(path);
        writer.WriteLine("id,userName,email");
        for (var i = 0; i < 200_000; i++) writer.WriteLine($"u{i},user{i},user{i}@example.com");
        return path;
    }

    /// <summary>Takes the first user, changes the file, and reads on to the end.</summary>
    private async Task<DirectoryReadException> ReadChangingAsync(Action change)
    {
        var source = new DirectorySource
        {
            Metadata = new ResourceMetadata { Name = "hr-export" },
            Spec = new DirectorySourceSpec { Type = DirectorySourceType.Csv, Csv = new CsvSettings { Path = "users.csv" } },
        };
        var context = new ReadContext(folder.Root, null, new LocalSecretResolver(), TimeProvider.System);
        var entries = new CsvDirectoryConnector().ReadAsync(source, context, CancellationToken.None);
        await using var reader = entries.GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());
        Assert.IsType<UserEntry>(reader.Current);
        change();
        return await Assert.ThrowsAsync<DirectoryReadException>(async () =>
        {
            while (await reader.MoveNextAsync()) { }
        });
    }
}
