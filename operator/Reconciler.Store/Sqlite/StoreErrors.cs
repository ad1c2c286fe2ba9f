using Microsoft.Data.Sqlite;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>The one place SQLite's errors become messages a user can act on.</summary>
internal static class StoreErrors
{
    private const int Perm = 3, Busy = 5, Locked = 6, ReadOnly = 8, IoErr = 10, Corrupt = 11, Full = 13, CantOpen = 14,
        Constraint = 19, NotADb = 26;

    public static StoreException CannotWrite(string path, string reason, Exception? inner = null) =>
        new($"cannot write the store at {path}: {reason}", inner);

    public static StoreException CannotRead(string path, string reason) => new($"cannot read the store at {path}: {reason}");

    public static StoreException NotAStore(string path, string reason, Exception? inner = null) =>
        new($"{path} is not a reconciler store: {reason}", inner);

    public static StoreException Newer(string path, int version, int known) =>
        new($"store {path} was written by a newer reconciler (schema v{version}; this one reads up to v{known}): upgrade reconciler");

    public static StoreException Missing(string path) => new($"no store at {path} yet: run 'reconciler apply' first");

    public static StoreException OpenedReadOnly(string path) =>
        new($"store {path} was opened read-only; this command cannot change it");

    public static StoreException Translate(SqliteException e, string path) => e.SqliteErrorCode switch
    {
        NotADb or Corrupt => NotAStore(path, Reason(e), e),
        Perm or ReadOnly or IoErr or Full or CantOpen => CannotWrite(path, Reason(e), e),
        Busy or Locked => new StoreBusyException(
            $"store {path} is busy: another reconciler process is writing to it; try again when it has finished", e),
        Constraint => new StoreException($"store {path} refused a change: {Reason(e)}", e),
        _ => new StoreException($"store {path}: {Reason(e)}", e),
    };

    private const int ConstraintPrimaryKey = Constraint | (6 << 8), ConstraintUnique = Constraint | (8 << 8);

    /// <summary>A row whose primary key is already taken.</summary>
    public static bool IsPrimaryKeyTaken(SqliteException e) => e.SqliteExtendedErrorCode == ConstraintPrimaryKey;

    /// <summary>A row refused by a unique index (each table the store writes has at most one besides its key).</summary>
    public static bool IsUniqueTaken(SqliteException e) => e.SqliteExtendedErrorCode == ConstraintUnique;

    /// <summary>SQLite's own words without the "SQLite Error N: '...'." wrapping.</summary>
    public static string Reason(SqliteException e)
    {
        var message = e.Message;
        var first = message.IndexOf('\'');
        var last = message.LastIndexOf('\'');
        return first >= 0 && last > first ? message[(first + 1)..last] : message;
    }
}
