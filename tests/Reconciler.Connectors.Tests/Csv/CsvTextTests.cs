using System.Text;
using Reconciler.Connectors.Csv;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Tests.Csv;

/// <summary>The text the parser sees is the file's, whatever its encoding and however the parser asks for it.</summary>
public sealed class CsvTextTests : IDisposable
{
    // Non-BMP characters (two chars each) next to '\r', where the parser asks for one char at a time.
    private const string Text = "id,userName\r\n😀1,zoë\r😀\r\n\"a\"\"b\",日本\n🎉";

    private readonly CsvFolder folder = new();

    public void Dispose() => folder.Dispose();

    public static TheoryData<string, int> EncodingsAndChunks()
    {
        var data = new TheoryData<string, int>();
        foreach (var encoding in new[] { "utf-8", "utf-8-bom", "utf-16LE", "utf-16BE" })
        {
            foreach (var chunk in new[] { 1, 2, 3, 7, 4096 }) data.Add(encoding, chunk);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EncodingsAndChunks))]
    public async Task Read_InAnyChunkSize_GivesTheTextWithoutItsByteOrderMark(string encoding, int chunk)
    {
        var bytes = encoding == "utf-8" ? Encoding.UTF8.GetBytes(Text)
            : encoding == "utf-8-bom" ? [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Text)]
            : [.. Encoding.GetEncoding(encoding).GetPreamble(), .. Encoding.GetEncoding(encoding).GetBytes(Text)];
        await File.WriteAllBytesAsync(folder.PathOf("t.csv"), bytes);

        Assert.Equal(Text, await ReadAllAsync(chunk, sync: false));
        Assert.Equal(Text, await ReadAllAsync(chunk, sync: true));
    }

    [Fact]
    public async Task Read_Utf8CutInTheMiddleOfACharacter_FailsOnItsLine()
    {
        await File.WriteAllBytesAsync(folder.PathOf("t.csv"), [.. "a\nb\n"u8, 0xF0, 0x9F, 0x98]);

        var failure = await Assert.ThrowsAsync<DirectoryReadException>(() => ReadAllAsync(4096, sync: false));

        Assert.StartsWith($"{folder.PathOf("t.csv")}:3: the file is not UTF-8 text (byte 0xF0 on this line", failure.Message);
    }

    [Fact]
    public async Task Read_Utf16WithAnOddLastByte_Fails()
    {
        await File.WriteAllBytesAsync(folder.PathOf("t.csv"), [0xFF, 0xFE, (byte)'a', 0, (byte)'\n', 0, (byte)'b']);

        var failure = await Assert.ThrowsAsync<DirectoryReadException>(() => ReadAllAsync(4096, sync: false));

        Assert.Equal($"{folder.PathOf("t.csv")}:2: the file ends in the middle of a UTF-16 character; save it as UTF-8", failure.Message);
    }

    private async Task<string> ReadAllAsync(int chunk, bool sync)
    {
        var path = folder.PathOf("t.csv");
        await using var file = CsvFile.Open(path, path, CsvFingerprint.Start(new AttributeMapping()));
        using var text = new CsvText(file);
        var result = new StringBuilder();
        var buffer = new char[chunk];
        int read;
        while ((read = sync ? text.Read(buffer.AsSpan()) : await text.ReadAsync(buffer.AsMemory())) > 0) result.Append(buffer, 0, read);
        return result.ToString();
    }
}
