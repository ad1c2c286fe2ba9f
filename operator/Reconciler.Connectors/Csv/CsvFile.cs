using System.Buffers;
using System.IO.Hashing;
using Reconciler.Core.Status;

namespace Reconciler.Connectors.Csv;

/// <summary>
/// The bytes of one CSV export, read once from start to end and hashed as they pass, so that the fingerprint
/// describes exactly the bytes that were parsed. The length and modification time are taken when the file is opened;
/// a file that grows, shrinks or is written to while it is read fails the read (transiently: the next pass reads it
/// again), so a fingerprint never stands for a half-old, half-new file.
/// </summary>
internal sealed class CsvFile : IAsyncDisposable
{
    private readonly FileStream stream;
    private readonly XxHash128 hash;
    private readonly long length;
    private readonly DateTime modified;
    private bool endOfFile;

    private CsvFile(string path, string shownPath, FileStream stream, XxHash128 hash)
    {
        Path = path;
        ShownPath = shownPath;
        this.stream = stream;
        this.hash = hash;
        length = Guard(() => RandomAccess.GetLength(stream.SafeFileHandle));
        modified = Guard(() => File.GetLastWriteTimeUtc(stream.SafeFileHandle));
    }

    public string Path { get; }

    /// <summary>The path as messages show it (escaped).</summary>
    public string ShownPath { get; }

    public long BytesRead { get; private set; }

    /// <summary>The length when the file was opened.</summary>
    public long Length => length;

    /// <summary>The modification time when the file was opened.</summary>
    public DateTime Modified => modified;

    /// <param name="fingerprint">Already holds what else the fingerprint covers (format version, attribute mapping).</param>
    public static CsvFile Open(string path, string shownPath, XxHash128 fingerprint)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            try
            {
                return new CsvFile(path, shownPath, stream, fingerprint);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DirectoryReadException(ErrorClass.Stalling, $"{shownPath}: file not found", inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(shownPath, e);
        }
    }

    public int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = stream.Read(buffer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(ShownPath, e);
        }
        return Account(buffer[..read]);
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read;
        try
        {
            read = await stream.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(ShownPath, e);
        }
        return Account(buffer.Span[..read]);
    }

    /// <summary>Reads the rest of the file without parsing it and returns the fingerprint (for the unchanged check).</summary>
    public async Task<string> HashToEndAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            while (await ReadAsync(buffer, cancellationToken) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Fingerprint();
    }

    /// <summary>
    /// The cursor of what was read, once a read has returned 0; fails the read when the file changed since it was
    /// opened (another length or modification time).
    /// </summary>
    public string Fingerprint()
    {
        if (!endOfFile) throw new InvalidOperationException("the fingerprint is known once the file has been read to its end");
        var lengthNow = Guard(() => RandomAccess.GetLength(stream.SafeFileHandle));
        var modifiedNow = Guard(() => File.GetLastWriteTimeUtc(stream.SafeFileHandle));
        if (BytesRead != length || lengthNow != length || modifiedNow != modified) throw Changed();
        return CsvFingerprint.Finish(hash, length, modified);
    }

    public ValueTask DisposeAsync() => stream.DisposeAsync();

    private int Account(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            endOfFile = true;
            return 0;
        }
        BytesRead += bytes.Length;
        if (BytesRead > length)
        {
            // A file that said it was empty and still yields bytes is a device or a pipe (/dev/zero would never end).
            throw length == 0
                ? new DirectoryReadException(ErrorClass.Stalling, $"{ShownPath}: is not a regular file (a device or a pipe?); point spec.csv.path at a CSV file")
                : Changed();
        }
        hash.Append(bytes);
        return bytes.Length;
    }

    private DirectoryReadException Changed() => new(ErrorClass.Transient,
        $"{ShownPath}: the file changed while it was read; it is read again on the next pass");

    private T Guard<T>(Func<T> query)
    {
        try
        {
            return query();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(ShownPath, e);
        }
    }

    /// <summary>Permission denied needs a person; other I/O errors (a lock, a flaky share) may pass.</summary>
    private static DirectoryReadException Unreadable(string shownPath, Exception e) => e is UnauthorizedAccessException
        ? new DirectoryReadException(ErrorClass.Stalling, $"{shownPath}: cannot read the file: permission denied", inner: e)
        : new DirectoryReadException(ErrorClass.Transient, $"{shownPath}: cannot read the file: {e.Message}", inner: e);
}
