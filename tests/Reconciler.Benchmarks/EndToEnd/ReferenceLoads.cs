namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// The plain ways to get the same rows into SQLite, run in the same session as the reconciler so that ratios
/// compare like with like on a noisy machine: the shipped Python script and the sqlite3 shell's .import.
/// Each result is checked to hold every row of the export.
/// </summary>
public sealed class ReferenceLoads(TimedCommand command, RequiredTools tools, string repositoryRoot)
{
    public const string PythonName = "csv_to_sqlite.py";
    public const string ImportName = "sqlite3 .import";

    private string Script => Path.Combine(repositoryRoot, "tests", "Reconciler.Benchmarks", "reference", PythonName);

    /// <summary>reference/csv_to_sqlite.py: csv + sqlite3 from the standard library, WAL, executemany, an email index.</summary>
    public async Task<Run> PythonAsync(string label, string csv, string database, int rows)
    {
        Delete(database);
        var run = await command.RunAsync(label, tools.Python3, [Script, csv, database]);
        Check(database, rows, label);
        return run;
    }

    /// <summary>`sqlite3 DB ".import --csv FILE users"`, then a unique index on id, in one sqlite3 process.</summary>
    public async Task<Run> SqliteImportAsync(string label, string csv, string database, int rows)
    {
        Delete(database);
        var run = await command.RunAsync(label, tools.Sqlite3,
            [database, $".import --csv \"{csv}\" users", "CREATE UNIQUE INDEX users_by_id ON users (id)"]);
        Check(database, rows, label);
        return run;
    }

    public const string StoreCopyName = "the first import's rows by SQL alone";

    /// <summary>
    /// What a first import writes, written by the sqlite3 shell alone: a fresh file (the store's page size, WAL,
    /// synchronous=NORMAL and 16 MB page cache), the store's own tables, then in one transaction every users row
    /// of <paramref name="store"/> in key order and every audit row, built one by one (a WHERE clause keeps SQLite from
    /// copying the records whole), the email index built at the end as the store does, the commit, and the
    /// checkpoint when the shell closes. No CSV is parsed and nothing is planned or bound, so this is the floor of the
    /// write alone: a first import cannot write its rows faster than this, whatever else it does.
    /// </summary>
    public async Task<Run> StoreCopyAsync(string label, string store, string database)
    {
        Delete(database);
        var (tables, emailIndex) = StoreFile.Schema(store, ["sources", "users", "audit"], "users_by_email");
        var users = Columns(store, "users");
        var audit = Columns(store, "audit");
        var run = await command.RunAsync(label, tools.Sqlite3,
        [
            database,
            "PRAGMA page_size = 8192", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -16384",
            .. tables,
            $"ATTACH '{store.Replace("'", "''")}' AS s",
            "BEGIN",
            "INSERT INTO sources SELECT * FROM s.sources",
            $"INSERT INTO users ({users}) SELECT {users} FROM s.users WHERE true ORDER BY source_id, external_id",
            $"INSERT INTO audit ({audit}) SELECT {audit} FROM s.audit WHERE true ORDER BY id",
            emailIndex,
            "COMMIT",
        ]);
        var copied = StoreFile.Count(database, "users");
        var stored = StoreFile.Count(store, "users");
        if (copied != stored) throw new BenchFailure($"{label}: copied {copied:N0} users rows, the store has {stored:N0}");
        return run;
    }

    private static string Columns(string database, string table) =>
        string.Join(", ", StoreFile.Columns(database, table).Select(c => $"\"{c}\""));

    /// <summary>`sqlite3 -json STORE "SELECT * FROM users WHERE state IS NOT NULL"`: the registry as JSON the shortest way, beside `users list`.</summary>
    public Task<Run> SqliteJsonAsync(string label, string store, string output) =>
        command.RunAsync(label, tools.Sqlite3, ["-readonly", "-json", store, "SELECT * FROM users WHERE state IS NOT NULL"], stdoutPath: output);

    public static void Delete(string database)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) File.Delete(database + suffix);
    }

    private static void Check(string database, int rows, string label)
    {
        var loaded = StoreFile.Count(database, "users");
        if (loaded != rows) throw new BenchFailure($"{label}: loaded {loaded:N0} rows, the export has {rows:N0}");
    }
}
