using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>What an apply did to the SQLite file: pages that differ from a copy taken before, or WAL frames left.</summary>
public sealed record PageChanges(
    int PageSize, long PagesBefore, long PagesAfter, long PagesChanged, long WalBytesBefore, long WalFramesLeft, bool WalFileLeft)
{
    public string Describe()
    {
        var text = $"{PagesChanged:N0} of {PagesAfter:N0} pages of {PageSize:N0} bytes differ in the store file " +
            $"({PagesChanged * PageSize / 1024.0:N0} KiB; {PagesBefore:N0} pages before)";
        if (WalBytesBefore > 0) text += $" (it had {WalBytesBefore:N0} bytes of WAL before the run, whose pages may count here too)";
        if (WalFramesLeft > 0) return text + $"; a -wal file remains with {WalFramesLeft:N0} frames not checkpointed, counted apart";
        return text + (WalFileLeft ? "; an empty -wal file remains (0 frames)" : "; no -wal left: checkpointed on close");
    }
}

/// <summary>Reads a store file the way SQLite lays it out, without opening it through SQLite.</summary>
public static class StoreFile
{
    /// <summary>
    /// Runs <paramref name="action"/> (a command that opens the store) between a copy of the store taken before and
    /// a page-by-page comparison after: what it wrote, as the file shows once the process has exited.
    /// </summary>
    public static async Task<(T Result, PageChanges Pages)> WatchAsync<T>(string database, Func<Task<T>> action)
    {
        var before = database + ".before";
        Copy(database, before);
        try
        {
            var result = await action();
            return (result, Compare(before, database));
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal" }) File.Delete(before + suffix);
        }
    }

    /// <summary>The database file and its WAL, copied while no process has it open.</summary>
    public static void Copy(string database, string copy)
    {
        File.Copy(database, copy, overwrite: true);
        var wal = database + "-wal";
        if (File.Exists(wal)) File.Copy(wal, copy + "-wal", overwrite: true);
        else File.Delete(copy + "-wal");
    }

    public static long WalBytes(string database) => File.Exists(database + "-wal") ? new FileInfo(database + "-wal").Length : 0;

    public static string Size(string database)
    {
        var wal = WalBytes(database);
        return $"{new FileInfo(database).Length / 1048576.0:N1} MB" + (wal > 0 ? $" + {wal / 1048576.0:N1} MB of WAL" : "");
    }

    /// <summary>The page size from the header: bytes 16-17, big-endian, where 1 means 65,536.</summary>
    public static int PageSize(string database)
    {
        Span<byte> header = stackalloc byte[100];
        using var file = File.OpenRead(database);
        file.ReadExactly(header);
        if (!header[..16].SequenceEqual("SQLite format 3\0"u8)) throw new BenchFailure($"{database} is not an SQLite database");
        var size = BinaryPrimitives.ReadUInt16BigEndian(header[16..18]);
        return size == 1 ? 65536 : size;
    }

    /// <summary>
    /// Compares two files page by page (a page only one of them has counts as changed). A WAL that outlived the
    /// process holds frames the main file does not show yet: they are counted from its length, 32 header bytes
    /// plus (24 + page size) per frame.
    /// </summary>
    public static PageChanges Compare(string before, string after)
    {
        var pageSize = PageSize(after);
        if (PageSize(before) != pageSize) throw new BenchFailure($"the page size of {after} changed during the run");
        using var a = new FileStream(before, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var b = new FileStream(after, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var pageA = new byte[pageSize];
        var pageB = new byte[pageSize];
        var pagesA = a.Length / pageSize;
        var pagesB = b.Length / pageSize;
        long changed = 0;
        for (long page = 0; page < Math.Max(pagesA, pagesB); page++)
        {
            var hasA = page < pagesA && Fill(a, pageA);
            var hasB = page < pagesB && Fill(b, pageB);
            if (hasA != hasB || !pageA.AsSpan().SequenceEqual(pageB)) changed++;
        }
        var walBytes = WalBytes(after);
        var frames = walBytes > 32 ? (walBytes - 32) / (24 + pageSize) : 0;
        return new PageChanges(pageSize, pagesA, pagesB, changed, WalBytes(before), frames, File.Exists(after + "-wal"));
    }

    /// <summary>
    /// Users the registry of a reconciler store holds: its users table also keeps imported users nobody provisioned
    /// (disabled accounts, contractors no mapping imports), which have no state.
    /// </summary>
    public static long Provisioned(string store) => Count(store, "users", "state IS NOT NULL");

    /// <summary>Rows of a table, through a connection of our own while no reconciler process runs.</summary>
    public static long Count(string database, string table, string? where = null)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM \"{table}\"" + (where is null ? "" : $" WHERE {where}");
        try
        {
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException e)
        {
            throw new BenchFailure($"cannot count the rows of {table} in {database}: {e.Message}");
        }
    }

    /// <summary>The CREATE statements of <paramref name="tables"/> and of one index, as the store's sqlite_master has them.</summary>
    public static (string[] Tables, string Index) Schema(string database, string[] tables, string index)
    {
        using var connection = Open(database);
        string Sql(string name)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sql FROM sqlite_master WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            return command.ExecuteScalar() as string ?? throw new BenchFailure($"{database} has no {name}");
        }
        return (tables.Select(Sql).ToArray(), Sql(index));
    }

    /// <summary>A table's columns in their order.</summary>
    public static IReadOnlyList<string> Columns(string database, string table)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table) ORDER BY cid";
        command.Parameters.AddWithValue("$table", table);
        using var reader = command.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read()) columns.Add(reader.GetString(0));
        return columns.Count > 0 ? columns : throw new BenchFailure($"{database} has no table {table}");
    }

    /// <summary>A connection of our own (not pooled, so the file is closed when it is disposed) while no reconciler process runs.</summary>
    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static bool Fill(Stream stream, byte[] page)
    {
        stream.ReadExactly(page);
        return true;
    }
}
