using System.Globalization;
using System.Text;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// How values that SQL has no common type for are written into columns: timestamps as ISO-8601 UTC text with
/// seven fractional digits (exact to the tick, sortable, readable in any SQL shell) and enums by name.
/// The parsers also take the column's UTF-8 bytes, so reading a million users makes no strings for them.
/// </summary>
internal static class ColumnFormat
{
    private const string TimestampPattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const int TimestampLength = 28;

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampPattern, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string text) => ParseTimestamp(Encoding.UTF8.GetBytes(text));

    /// <summary>Parses what <see cref="Timestamp"/> wrote; other ISO-8601 forms (written by hand) are accepted too.</summary>
    public static DateTimeOffset ParseTimestamp(ReadOnlySpan<byte> s)
    {
        if (s.Length == TimestampLength && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':'
            && s[19] == '.' && s[27] == 'Z'
            && Digits(s, 0, 4, out var year) && Digits(s, 5, 2, out var month) && Digits(s, 8, 2, out var day)
            && Digits(s, 11, 2, out var hour) && Digits(s, 14, 2, out var minute) && Digits(s, 17, 2, out var second)
            && Digits(s, 20, 7, out var fraction))
        {
            var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction;
            return new DateTimeOffset(ticks, TimeSpan.Zero);
        }
        return DateTimeOffset.Parse(Encoding.UTF8.GetString(s), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            .ToUniversalTime();
    }

    public static string State(UserState state) => state switch
    {
        UserState.Active => "Active",
        UserState.Preserved => "Preserved",
        UserState.Disabled => "Disabled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a user state"),
    };

    public static UserState ParseState(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("Active"u8) ? UserState.Active
        : text.SequenceEqual("Preserved"u8) ? UserState.Preserved
        : text.SequenceEqual("Disabled"u8) ? UserState.Disabled
        : throw new FormatException($"'{Encoding.UTF8.GetString(text)}' is not a user state");

    public static string Login(LoginMechanism login) => login switch
    {
        LoginMechanism.DirectoryPassword => "DirectoryPassword",
        LoginMechanism.SingleSignOn => "SingleSignOn",
        LoginMechanism.GeneratedPassword => "GeneratedPassword",
        _ => throw new ArgumentOutOfRangeException(nameof(login), login, "not a login mechanism"),
    };

    public static LoginMechanism ParseLogin(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("DirectoryPassword"u8) ? LoginMechanism.DirectoryPassword
        : text.SequenceEqual("SingleSignOn"u8) ? LoginMechanism.SingleSignOn
        : text.SequenceEqual("GeneratedPassword"u8) ? LoginMechanism.GeneratedPassword
        : throw new FormatException($"'{Encoding.UTF8.GetString(text)}' is not a login mechanism");

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = s[i] - '0';
            if ((uint)digit > 9) return false;
            value = value * 10 + digit;
        }
        return true;
    }
}
