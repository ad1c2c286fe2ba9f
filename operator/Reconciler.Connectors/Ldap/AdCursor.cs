using System.Globalization;
using Reconciler.Core.Status;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// Where an Active Directory read left off: the domain controller's update sequence number when the read began
/// (<c>highestCommittedUSN</c>; every change on that DC, including renames, moves and group edits, gets a higher
/// <c>uSNChanged</c>), the DC's <c>invocationId</c> (USNs are per DC, and a DC restored from a backup gets a new
/// one), and when accounts' expiry was last checked (an <c>accountExpires</c> that passes changes no USN).
/// <c>ad-1:INVOCATION:USN:CHECKED:FINGERPRINT</c>, CHECKED as a Windows file time.
/// <para>
/// The USN is read before the searches, so a change made while a read is running is read again next time, never
/// missed. A cursor of another DC, of a DC that went back in time, or of another spec means a full read.
/// </para>
/// </summary>
public sealed record AdCursor(string Invocation, long Usn, long CheckedAt, string Fingerprint)
{
    private const string Prefix = "ad-1";

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{Invocation}:{Usn}:{CheckedAt}:{Fingerprint}");

    /// <summary>The stored cursor when it was made on this DC, for this spec, no later than now; else null.</summary>
    public static AdCursor? Parse(string? text, AdCursor now)
    {
        if (text is null) return null;
        var parts = text.Split(':');
        if (parts is not [Prefix, var invocation, var usn, var checkedAt, var fingerprint]) return null;
        if (invocation != now.Invocation || fingerprint != now.Fingerprint) return null;
        if (!long.TryParse(usn, NumberStyles.None, CultureInfo.InvariantCulture, out var at) || at > now.Usn) return null;
        if (!long.TryParse(checkedAt, NumberStyles.None, CultureInfo.InvariantCulture, out var checkedTime) || checkedTime > now.CheckedAt) return null;
        return new AdCursor(invocation, at, checkedTime, fingerprint);
    }

    /// <summary>Entries changed after this cursor.</summary>
    public string Changed => string.Create(CultureInfo.InvariantCulture, $"(uSNChanged>={Usn + 1})");

    /// <summary>Users changed after this cursor, or whose account expired between it and <paramref name="now"/>.</summary>
    public string UsersChangedOrExpiredBy(AdCursor now) => string.Create(CultureInfo.InvariantCulture,
        $"(|{Changed}(&(accountExpires>={CheckedAt})(accountExpires<={now.CheckedAt})))");

    /// <summary>
    /// The DC's position now, read from its root DSE and its NTDS Settings object, and the time accounts' expiry is
    /// checked against.
    /// </summary>
    public static async Task<AdCursor> CurrentAsync(LdapSession session, DateTimeOffset now, string fingerprint, CancellationToken cancellationToken)
    {
        var root = await session.ReadEntryAsync("", ["highestCommittedUSN", "dsServiceName"], "the root DSE", cancellationToken);
        var usnText = root is null ? null : LdapAttributes.FirstValue(root, "highestCommittedUSN");
        var service = root is null ? null : LdapAttributes.FirstValue(root, "dsServiceName");
        if (!long.TryParse(usnText, NumberStyles.None, CultureInfo.InvariantCulture, out var usn) || string.IsNullOrEmpty(service))
        {
            throw new DirectoryReadException(ErrorClass.Stalling,
                $"{session.Server}: the root DSE has no highestCommittedUSN and dsServiceName: this is not an Active Directory domain controller (use type: Ldap)");
        }
        var settings = await session.ReadEntryAsync(service, ["invocationId"], "the domain controller's invocationId", cancellationToken);
        var invocation = settings?.Attributes["invocationId"] is { Count: > 0 } values && values.GetValues(typeof(byte[])) is [byte[] { Length: 16 } raw, ..]
            ? new Guid(raw).ToString()
            : throw new DirectoryReadException(ErrorClass.Stalling, $"{session.Server}: the domain controller's NTDS Settings object has no invocationId");
        return new AdCursor(invocation, usn, now.ToFileTime(), fingerprint);
    }
}
