using Reconciler.Core.Directory;
using Reconciler.Engine.Reconciling;

namespace Reconciler.Engine.Tests.Reconciling;

/// <summary>
/// The changes of one read, kept as stored bytes and spilled to a temporary file past their memory budget: every
/// user comes back in read order and by id, the same whether it sits in memory, straddles two chunks or lives in the
/// file, and the file goes when the changes are disposed.
/// </summary>
public sealed class ChangedUsersTests
{
    [Fact]
    public void UsersPastTheMemoryBudget_GoToTheTemporaryFile_AndComeBackUnchanged()
    {
        var users = Enumerable.Range(0, ChangedUsers.KeepDecoded + 3_000).Select(User).ToList();
        var spillFolder = Path.GetTempPath();
        var filesBefore = Directory.GetFiles(spillFolder, "reconciler-changes-*.tmp").ToHashSet();
        string? spillFile;
        using (var changes = new ChangedUsers(inMemoryBytes: 1 << 20))
        {
            for (var i = 0; i < users.Count; i++) Assert.True(changes.Add(users[i], isNew: i % 3 == 0));

            Assert.True(changes.Spilled);
            spillFile = Assert.Single(Directory.GetFiles(spillFolder, "reconciler-changes-*.tmp"), f => !filesBefore.Contains(f));
            Assert.Equal(users.Count, changes.Count);
            Assert.Equal(users.Count(u => int.Parse(u.Id[2..]) % 3 == 0), changes.New);
            Assert.Equal(users.Select(u => u.Id), changes.InOrder.Select(e => e.Id));
            // Past KeepDecoded the user is decoded from bytes, from the file for the last ones.
            foreach (var i in new[] { 0, 1, ChangedUsers.KeepDecoded - 1, ChangedUsers.KeepDecoded, users.Count / 2, users.Count - 1 })
            {
                var entry = changes.Find(users[i].Id) ?? throw new Xunit.Sdk.XunitException($"user {i} not found");
                Assert.Equal(i, entry.Index);
                Assert.Equal(i % 3 == 0, entry.IsNew);
                AssertSameUser(users[i], entry.Decode(null));
                AssertSameUser(users[i], entry.Row.Decode(null));
            }
            Assert.False(changes.Add(users[^1] with { Details = users[^1].Details with { Title = "other" } }, isNew: false));
            Assert.Null(changes.Find("u-unknown"));
            Assert.Equal(users.Count, changes.Count);
        }
        Assert.False(File.Exists(spillFile), "the temporary file outlived the changes");
    }

    [Fact]
    public void WrittenMarks_StayWithTheirUser()
    {
        using var changes = new ChangedUsers(inMemoryBytes: 4096);
        for (var i = 0; i < 100; i++) changes.Add(User(i), isNew: true);
        foreach (var entry in changes.InOrder.Where(e => e.Index % 7 == 0)) entry.Written = true;

        Assert.Equal(Enumerable.Range(0, 100).Where(i => i % 7 == 0).Select(i => $"u-{i}"),
            changes.InOrder.Where(e => e.Written).Select(e => e.Id));
    }

    /// <summary>In memory an entry larger than a chunk straddles chunks; in the file it skips the spill buffer.</summary>
    [Theory]
    [InlineData(ChangedUsers.InMemoryBytes)]
    [InlineData(0)]
    public void AnEntryLargerThanAChunk_IsReadBackWhole(long inMemoryBytes)
    {
        using var changes = new ChangedUsers(inMemoryBytes);
        var big = User(1) with { Groups = Enumerable.Range(0, 40_000).Select(g => $"cn=group-{g},ou=groups,dc=example,dc=com").ToList() };
        changes.Add(User(0), isNew: true);
        changes.Add(big, isNew: true);
        changes.Add(User(2), isNew: true);

        Assert.Equal(inMemoryBytes == 0, changes.Spilled);
        Assert.Equal(big.Groups, changes.Find("u-1")!.Value.Row.Decode(null).Groups);
        AssertSameUser(User(2), changes.Find("u-2")!.Value.Row.Decode(null));
        AssertSameUser(User(0), changes.Find("u-0")!.Value.Row.Decode(null));
        Assert.Equal(["u-0", "u-1", "u-2"], changes.InOrder.Select(e => e.Id));
    }

    /// <summary>
    /// A row goes to the store's writing thread while the changes are read on: it keeps its bytes whatever is added
    /// or read after it, whether it shares them with a memory chunk, straddles two, or was copied from the file.
    /// </summary>
    [Fact]
    public void ARowTaken_KeepsItsBytes_WhileTheChangesGoOn()
    {
        using var changes = new ChangedUsers(inMemoryBytes: 3 << 20);
        var users = new List<ImportedUser>();
        var rows = new List<Reconciler.Store.Contract.ImportedRow>();
        for (var i = 0; i < 30_000; i++)
        {
            // Every 50th user is large (about 30 KB), so that many entries straddle a chunk boundary.
            var large = i % 50 == 49;
            var user = large ? User(i) with { Groups = Enumerable.Range(0, 1_000).Select(g => $"cn=g-{g},dc=example,dc=com").ToList() } : User(i);
            users.Add(user);
            Assert.True(changes.Add(user, isNew: true));
            if (i % 97 == 0 || large) rows.Add(changes.Find(user.Id)!.Value.Row);
        }
        Assert.True(changes.Spilled);
        foreach (var entry in changes.ById) _ = entry.Decode(null);

        foreach (var row in rows)
        {
            var user = users.Single(u => u.Id == row.Id);
            var expected = Reconciler.Store.Contract.ImportedRow.Of(user);
            Assert.Equal(expected.Data.ToArray(), row.Data.ToArray());
            Assert.Equal(expected.Fingerprint, row.Fingerprint);
        }
    }

    /// <summary>
    /// New users are written in the store's key order (the bytes of their UTF-8 ids, as SQLite compares text), also
    /// when ids share their first eight bytes, differ only in length or hold non-ASCII text, and from the spill file.
    /// </summary>
    [Theory]
    [InlineData(1 << 20)]
    [InlineData(0)]
    public void ById_IsTheOrderOfTheIdsUtf8Bytes(long inMemoryBytes)
    {
        string[] ids =
        [
            "user-0000-b", "user-0000-a", "user-0000", "user-000", "Zed", "zed", "ärger", "a\u00e9", "ae", "é", "\uD83D\uDE00x", "\uFFFDy",
            .. Enumerable.Range(0, 500).Select(i => $"bulk-{(i * 7919) % 500:D4}"),
        ];
        AssertById(ids, inMemoryBytes);
        // Ids that all share a long prefix (employee-0000…): sorted by what follows it.
        AssertById([.. Enumerable.Range(0, 3_000).Select(i => $"employee-{(i * 7919) % 3_000:D7}"), "employee-", "employee-0"], inMemoryBytes);
    }

    private static void AssertById(string[] ids, long inMemoryBytes)
    {
        using var changes = new ChangedUsers(inMemoryBytes);
        foreach (var id in ids) Assert.True(changes.Add(User(0) with { Id = id }, isNew: true));

        var expected = ids.OrderBy(id => System.Text.Encoding.UTF8.GetBytes(id), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
        Assert.Equal(expected, changes.ById.Select(e => e.Id));
        Assert.Equal(ids, changes.InOrder.Select(e => e.Id));
    }

    private static ImportedUser User(int i) => new()
    {
        Id = $"u-{i}",
        Details = new UserDetails
        {
            UserName = $"user{i}",
            Email = $"user{i}@example.com",
            DisplayName = $"User Nümber {i}",
            Department = i % 2 == 0 ? "R&D" : "Sales",
        },
        Groups = [$"cn=g{i % 5},dc=example,dc=com"],
        OrganizationalUnit = "ou=people,dc=example,dc=com",
    };

    private static void AssertSameUser(ImportedUser expected, ImportedUser actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Details, actual.Details);
        Assert.Equal(expected.Groups, actual.Groups);
        Assert.Equal(expected.OrganizationalUnit, actual.OrganizationalUnit);
    }
}
