using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Reconciler.Core.Directory;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// A SHA-256 over what a snapshot says about the directory: its users in their given order (every field, groups in
/// order, attributes by name), cursor, completeness, failure and problems. Read time and duration are left out, so
/// reading an unchanged directory again gives the same hash and the store writes nothing.
/// </summary>
internal sealed class SnapshotHash : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int used;

    public static string Compute(DirectorySnapshot snapshot)
    {
        using var h = new SnapshotHash();
        h.Add("snapshot/1");
        h.Add(snapshot.Cursor);
        h.Add(snapshot.Complete);
        h.Add(snapshot.Failed);
        h.Add(snapshot.Problems.Count);
        foreach (var problem in snapshot.Problems) h.Add(problem);
        h.Add(snapshot.Users.Count);
        foreach (var user in snapshot.Users) h.Add(user);
        return h.Finish();
    }

    public void Dispose()
    {
        hash.Dispose();
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Add(ImportedUser user)
    {
        Add(user.Id);
        Add(user.Details.UserName);
        Add(user.Details.Email);
        Add(user.Details.DisplayName);
        Add(user.Details.GivenName);
        Add(user.Details.Surname);
        Add(user.Details.Department);
        Add(user.Details.Title);
        Add(user.Groups.Count);
        foreach (var group in user.Groups) Add(group);
        Add(user.OrganizationalUnit);
        Add(user.Enabled);
        if (user.Attributes is null)
        {
            Add(-1);
            return;
        }
        Add(user.Attributes.Count);
        foreach (var key in user.Attributes.Keys.Order(StringComparer.Ordinal))
        {
            Add(key);
            Add(user.Attributes[key]);
        }
    }

    /// <summary>Strings are length-prefixed so that ("ab", "c") and ("a", "bc") differ; null differs from "".</summary>
    private void Add(string? text)
    {
        if (text is null)
        {
            Add(-1);
            return;
        }
        Add(text.Length);
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max > BufferSize - used) Flush();
        if (max > BufferSize)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            return;
        }
        used += Encoding.UTF8.GetBytes(text, buffer.AsSpan(used));
    }

    private void Add(bool value) => Add(value ? 1 : 0);

    private void Add(int value)
    {
        if (BufferSize - used < sizeof(int)) Flush();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(used), value);
        used += sizeof(int);
    }

    private void Flush()
    {
        hash.AppendData(buffer, 0, used);
        used = 0;
    }

    private string Finish()
    {
        Flush();
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
