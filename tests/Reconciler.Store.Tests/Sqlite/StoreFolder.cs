using Microsoft.Data.Sqlite;
using Reconciler.Store.Sqlite;

namespace Reconciler.Store.Tests.Sqlite;

/// <summary>A fresh temp folder per test, with the store file's path inside it; removed afterwards.</summary>
public sealed class StoreFolder : IDisposable
{
    public StoreFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "reconciler-store-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string StorePath => Path.Combine(Root, "state.db");

    public Task<SqliteStore> OpenAsync(bool readOnly = false) =>
        SqliteStore.OpenAsync(StorePath, readOnly, CancellationToken.None);

    /// <summary>A connection of its own, outside the store, to look at the file as another process would.</summary>
    public SqliteConnection Connect(string? path = null)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path ?? StorePath,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public static string Text(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)command.ExecuteScalar()!;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A test that failed may still hold the file; the temp folder is cleaned by the system.
        }
    }
}
