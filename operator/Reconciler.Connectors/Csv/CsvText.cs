using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Unicode;
using Reconciler.Core.Status;

namespace Reconciler.Connectors.Csv;

/// <summary>
/// The text of a CSV export as the parser reads it: UTF-8 with or without a byte-order mark, or UTF-16 with one.
/// Invalid UTF-8 fails the read at the physical line it is on, rather than turning names into replacement
/// characters. It also follows the quotes as the parser does, so a row longer than <see cref="MaxRowLength"/>
/// (a hostile file, or a quote that is never closed) fails the read before anyone buffers it whole.
/// </summary>
internal sealed class CsvText(CsvFile file) : TextReader
{
    /// <summary>No user needs a megabyte: 2,000 groups of 500 characters fit.</summary>
    public const int MaxRowLength = 1 << 20;

    private const int NeedBytes = -1;
    private static readonly SearchValues<char> QuotesAndLineBreaks = SearchValues.Create("\"\n\r");

    private readonly byte[] bytes = new byte[1 << 16];
    private int start;
    private int end;
    private bool endOfFile;
    private Encoding encoding;
    private char? pending;

    // Where the text has got to: the physical line, and the row that is being read (it may span lines when quoted).
    private int line = 1;
    private int rowStartLine = 1;
    private int rowLength;
    private bool inQuotes;
    private bool afterCarriageReturn;

    private enum Encoding { Unknown, Utf8, Utf16LittleEndian, Utf16BigEndian }

    public override int Read(Span<char> buffer)
    {
        int read;
        while ((read = Decode(buffer)) == NeedBytes)
        {
            Compact();
            var count = file.Read(bytes.AsSpan(end));
            end += count;
            endOfFile = count == 0;
        }
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        while ((read = Decode(buffer.Span)) == NeedBytes)
        {
            Compact();
            var count = await file.ReadAsync(bytes.AsMemory(end), cancellationToken);
            end += count;
            endOfFile = count == 0;
        }
        return read;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask();

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    /// <summary>Characters decoded from the bytes at hand; 0 at the end of the text; <see cref="NeedBytes"/> to read first.</summary>
    private int Decode(Span<char> chars)
    {
        if (chars.IsEmpty) return 0;
        if (pending is { } low)
        {
            pending = null;
            chars[0] = low;
            return Deliver(chars[..1]);
        }
        if (encoding == Encoding.Unknown)
        {
            if (!endOfFile && end - start < 3) return NeedBytes;
            SkipByteOrderMark();
        }
        var available = bytes.AsSpan(start, end - start);
        if (available.IsEmpty) return endOfFile ? 0 : NeedBytes;
        return encoding == Encoding.Utf8 ? DecodeUtf8(available, chars) : DecodeUtf16(available, chars);
    }

    private int DecodeUtf8(ReadOnlySpan<byte> available, Span<char> chars)
    {
        var status = Utf8.ToUtf16(available, chars, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: endOfFile);
        start += read;
        if (written > 0) return Deliver(chars[..written]);
        switch (status)
        {
            case OperationStatus.NeedMoreData:
                return NeedBytes;
            case OperationStatus.DestinationTooSmall:
                // One character asked for (the parser does after a '\r'), and the next one takes two (outside the BMP).
                Span<char> pair = stackalloc char[2];
                Utf8.ToUtf16(available, pair, out read, out _, replaceInvalidSequences: false, isFinalBlock: endOfFile);
                start += read;
                chars[0] = pair[0];
                pending = pair[1];
                return Deliver(chars[..1]);
            default:
                throw Fail($"{file.ShownPath}:{line}: the file is not UTF-8 text (byte 0x{available[0]:X2} on this line is not UTF-8); " +
                    "save it as UTF-8, e.g. 'CSV UTF-8' in Excel");
        }
    }

    /// <summary>Lone surrogates pass through: the value check rejects them with the row they are in.</summary>
    private int DecodeUtf16(ReadOnlySpan<byte> available, Span<char> chars)
    {
        var count = Math.Min(available.Length / 2, chars.Length);
        if (count == 0)
        {
            if (!endOfFile) return NeedBytes;
            throw Fail($"{file.ShownPath}:{line}: the file ends in the middle of a UTF-16 character; save it as UTF-8");
        }
        var units = MemoryMarshal.Cast<byte, ushort>(available[..(count * 2)]);
        var target = MemoryMarshal.Cast<char, ushort>(chars[..count]);
        if ((encoding == Encoding.Utf16LittleEndian) == BitConverter.IsLittleEndian) units.CopyTo(target);
        else BinaryPrimitives.ReverseEndianness(units, target);
        start += count * 2;
        return Deliver(chars[..count]);
    }

    private void SkipByteOrderMark()
    {
        var head = bytes.AsSpan(start, end - start);
        (encoding, var skip) = head switch
        {
            [0xEF, 0xBB, 0xBF, ..] => (Encoding.Utf8, 3),
            [0xFF, 0xFE, ..] => (Encoding.Utf16LittleEndian, 2),
            [0xFE, 0xFF, ..] => (Encoding.Utf16BigEndian, 2),
            _ => (Encoding.Utf8, 0),
        };
        start += skip;
    }

    /// <summary>
    /// Follows quotes and line breaks as the parser does (every quote toggles; a line break outside quotes ends the
    /// row) to count physical lines and to stop a row that grows past the limit.
    /// </summary>
    private int Deliver(ReadOnlySpan<char> chars)
    {
        var rest = chars;
        while (true)
        {
            var next = rest.IndexOfAny(QuotesAndLineBreaks);
            if (next < 0)
            {
                rowLength += rest.Length;
                if (!rest.IsEmpty) afterCarriageReturn = false;
                break;
            }
            rowLength += next + 1;
            var c = rest[next];
            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else
            {
                // "\r\n" is one line break.
                if (c == '\r' || next > 0 || !afterCarriageReturn) line++;
                if (!inQuotes)
                {
                    if (rowLength > MaxRowLength) throw RowTooLong();
                    rowLength = 0;
                    rowStartLine = line;
                }
            }
            afterCarriageReturn = c == '\r';
            rest = rest[(next + 1)..];
        }
        if (rowLength > MaxRowLength) throw RowTooLong();
        return chars.Length;
    }

    private DirectoryReadException RowTooLong() => Fail(inQuotes
        ? $"{file.ShownPath}:{rowStartLine}: a quoted field runs on for more than {MaxRowLength:N0} characters; check the quotes from this line on"
        : $"{file.ShownPath}:{rowStartLine}: the row is longer than {MaxRowLength:N0} characters, more than any user needs; the file is not read");

    private static DirectoryReadException Fail(string message) => new(ErrorClass.Stalling, message);

    private void Compact()
    {
        if (start == 0) return;
        bytes.AsSpan(start, end - start).CopyTo(bytes);
        end -= start;
        start = 0;
    }
}
