using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// One prepared statement on a connection's handle, for the loops that touch every user (apply, registry load,
/// snapshot save). Binding and reading go straight to SQLite: no parameter lookup by name per row, no boxing, and
/// text is read as UTF-8 so timestamps and enums are parsed without making strings. Everything else in the store
/// uses ordinary <see cref="SqliteCommand"/>s. Errors surface as <see cref="SqliteException"/> like those do.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 connection;
    private readonly sqlite3_stmt statement;
    private byte[] text = new byte[256];

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        this.connection = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(this.connection, sql, out statement));
    }

    /// <summary>The 1-based index of a named parameter such as <c>$email</c>, for the Bind methods.</summary>
    public int Parameter(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(statement, name);
        return index > 0 ? index : throw new ArgumentException($"the statement has no parameter {name}", nameof(name));
    }

    /// <summary>The 1-based index of a named parameter, or 0 when the statement does not use it.</summary>
    public int IndexOf(string name) => raw.sqlite3_bind_parameter_index(statement, name);

    /// <summary>
    /// Checks that the statement's parameters are exactly <paramref name="names"/>, in this order, so callers can
    /// bind by position (parameter N is names[N-1]) and an edit to the SQL that moves one fails at once.
    /// </summary>
    public SqliteStatement Expect(params string[] names)
    {
        var count = raw.sqlite3_bind_parameter_count(statement);
        var ok = count == names.Length;
        for (var i = 0; ok && i < names.Length; i++) ok = raw.sqlite3_bind_parameter_index(statement, names[i]) == i + 1;
        if (ok) return this;
        Dispose();
        throw new InvalidOperationException($"the statement's parameters are not {string.Join(", ", names)}");
    }

    /// <summary>
    /// Binds a string unless this very instance is already bound there: values that repeat row after row (a mapping,
    /// a profile, a reason, a timestamp's text) are encoded once, since SQLite keeps bindings between executions.
    /// </summary>
    public void BindRepeated(int parameter, string? value)
    {
        _bound ??= new object?[raw.sqlite3_bind_parameter_count(statement) + 1];
        if (_bound[parameter] is { } last && ReferenceEquals(last, value)) return;
        Bind(parameter, value);
        _bound[parameter] = value;
    }

    private object?[]? _bound;

    public void Bind(int parameter, string? value)
    {
        if (_bound is not null) _bound[parameter] = null;
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(statement, parameter));
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > text.Length) text = new byte[Math.Max(max, text.Length * 2)];
        var length = Encoding.UTF8.GetBytes(value, text);
        BindUtf8(parameter, text.AsSpan(0, length));
    }

    /// <summary>Binds text that is already UTF-8 (SQLite copies it).</summary>
    public void BindUtf8(int parameter, ReadOnlySpan<byte> value)
    {
        if (_bound is not null) _bound[parameter] = null;
        Check(raw.sqlite3_bind_text(statement, parameter, value));
    }

    public void Bind(int parameter, long value)
    {
        if (_bound is not null) _bound[parameter] = null;
        Check(raw.sqlite3_bind_int64(statement, parameter, value));
    }

    public void Bind(int parameter, bool value) => Bind(parameter, value ? 1L : 0L);

    /// <summary>Binds by name, for statements that run once per write rather than once per row of a loop.</summary>
    public void Bind(string parameter, string? value) => Bind(Parameter(parameter), value);

    public void Bind(string parameter, long value) => Bind(Parameter(parameter), value);

    public void BindBlob(int parameter, ReadOnlySpan<byte> value)
    {
        if (_bound is not null) _bound[parameter] = null;
        Check(raw.sqlite3_bind_blob(statement, parameter, value));
    }

    public void BindNull(int parameter)
    {
        if (_bound is not null) _bound[parameter] = null;
        Check(raw.sqlite3_bind_null(statement, parameter));
    }

    /// <summary>Makes a statement that was stepped part of the way ready to run again (its bindings stay).</summary>
    public void Reset() => raw.sqlite3_reset(statement);

    /// <summary>Runs a statement that returns no rows.</summary>
    /// <returns>How many rows it inserted, updated or deleted.</returns>
    public int Execute()
    {
        var result = raw.sqlite3_step(statement);
        var error = result == raw.SQLITE_DONE ? null : Error(result);
        raw.sqlite3_reset(statement);
        return error is null ? raw.sqlite3_changes(connection) : throw error;
    }

    /// <summary>Steps to the next row of a query; false (and ready to run again) after the last.</summary>
    public bool Read()
    {
        var result = raw.sqlite3_step(statement);
        if (result == raw.SQLITE_ROW) return true;
        var error = result == raw.SQLITE_DONE ? null : Error(result);
        raw.sqlite3_reset(statement);
        return error is null ? false : throw error;
    }

    public bool IsNull(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL;

    public string Text(int column) => Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, column));

    /// <summary>The column's text as UTF-8, valid until the next step; for parsing without making a string.</summary>
    public ReadOnlySpan<byte> Utf8(int column) => raw.sqlite3_column_blob(statement, column);

    public long Integer(int column) => raw.sqlite3_column_int64(statement, column);

    public byte[] Blob(int column) => raw.sqlite3_column_blob(statement, column).ToArray();

    public void Dispose() => raw.sqlite3_finalize(statement);

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK) throw Error(result);
    }

    /// <summary>Worded like Microsoft.Data.Sqlite's own errors, so one translation serves both.</summary>
    private SqliteException Error(int result) =>
        new($"SQLite Error {result}: '{raw.sqlite3_errmsg(connection).utf8_to_string()}'.", result,
            raw.sqlite3_extended_errcode(connection));
}
