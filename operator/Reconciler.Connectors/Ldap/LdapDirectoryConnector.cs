using System.DirectoryServices.Protocols;
using System.Runtime.CompilerServices;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// Imports users from an LDAP directory (OpenLDAP and the like): binds as <c>spec.ldap.bindDN</c>, reads the groups
/// under <c>groupBaseDN</c> (for nested membership), then pages through the users under <c>baseDN</c> that match
/// <c>userFilter</c>, streaming each page on to the engine. Every read is a full read.
/// <para>
/// Fields come from the attributes <see cref="LdapAttributes"/> names (entryUUID, uid, mail, cn, givenName, sn,
/// departmentNumber, title unless <c>spec.attributes</c> says otherwise); groups from memberOf and the groups' member
/// lists, nested ones expanded; the organizational unit is the entry's parent DN; a user with
/// <c>pwdAccountLockedTime</c> (a password-policy lock) is disabled.
/// </para>
/// <para>
/// A read that cannot finish (bind refused, server unreachable, a timeout, a size or time limit, a lost connection,
/// paging that never ends, a base DN that does not exist, an invalid filter, a configured attribute no entry has)
/// fails as a whole, so the stored snapshot stays and nobody is preserved or disabled. Entries it must skip (no id,
/// a duplicate id, a value with control characters) make it incomplete.
/// </para>
/// </summary>
public sealed class LdapDirectoryConnector : IDirectoryConnector
{
    public const string DefaultUserFilter = "(objectClass=inetOrgPerson)";
    private const string GroupFilter = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))";

    public DirectorySourceType Type => DirectorySourceType.Ldap;

    public async IAsyncEnumerable<DirectoryEntry> ReadAsync(
        DirectorySource source, ReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var settings = source.Spec.Ldap ?? throw Stalling(source, "spec.ldap is not set");
        var endpoint = LdapEndpoint.Parse(source, context.BaseDirectory);
        var timeout = Timeout(source, settings);
        var pageSize = settings.PageSize is >= 1 and <= LdapSettings.MaxPageSize
            ? settings.PageSize
            : throw Stalling(source, $"spec.ldap.pageSize {settings.PageSize} is out of range: it must be between 1 and {LdapSettings.MaxPageSize:N0}");
        var password = await PasswordAsync(source, settings, context, cancellationToken);
        var attributes = LdapAttributes.For(source);

        using var session = await LdapSession.OpenAsync(endpoint, settings.BindDN, password, timeout, cancellationToken);
        var groups = GroupGraph.Empty;
        if (!string.IsNullOrWhiteSpace(settings.GroupBaseDN))
        {
            groups = new GroupGraph();
            await foreach (var group in session.SearchAsync(settings.GroupBaseDN, GroupFilter, ["member", "uniqueMember"], pageSize, "groups", cancellationToken))
            {
                groups.Add(group.DistinguishedName, Values(group, "member").Concat(Values(group, "uniqueMember")));
            }
        }

        var filter = string.IsNullOrWhiteSpace(settings.UserFilter) ? DefaultUserFilter : settings.UserFilter.Trim();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        long read = 0;
        await foreach (var entry in session.SearchAsync(settings.BaseDN, filter, attributes.Requested, pageSize, "users", cancellationToken))
        {
            read++;
            var values = attributes.Read(entry, seen);
            var dn = entry.DistinguishedName;
            var user = attributes.User(values, groups.GroupsOf(dn, values.MemberOf), DistinguishedName.Parent(dn));
            if (user is null)
            {
                yield return new ProblemEntry($"{session.Server}: entry '{SafeText.Show(dn, 200)}' has no {attributes.Id} (spec.attributes.id): skipped");
                continue;
            }
            if (ImportedUserCheck.Problem(user) is { } problem)
            {
                yield return new ProblemEntry($"{session.Server}: entry '{SafeText.Show(dn, 200)}': {problem}: skipped");
                continue;
            }
            if (!ids.Add(user.Id))
            {
                yield return new ProblemEntry($"{session.Server}: entry '{SafeText.Show(dn, 200)}' has the id '{SafeText.Show(user.Id, 100)}' of an earlier entry: skipped");
                continue;
            }
            if (read % 1000 == 0) context.Progress?.Report(new ImportProgress(source.Name, read, null));
            yield return new UserEntry(user);
        }
        if (attributes.NeverSeen(seen, read) is { } missing)
        {
            throw new DirectoryReadException(ErrorClass.Stalling,
                $"{session.Server}: none of the {read:N0} users under '{SafeText.Show(settings.BaseDN, 200)}' has the attribute {missing}");
        }
        yield return new ReadEnd(ReadMode.Full, null, groups.Count);
    }

    private static async ValueTask<string?> PasswordAsync(DirectorySource source, LdapSettings settings, ReadContext context,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.BindDN))
        {
            return settings.BindPassword is null ? null : throw Stalling(source, "spec.ldap.bindPassword is set but spec.ldap.bindDN is not");
        }
        if (settings.BindPassword is not { } reference)
        {
            throw Stalling(source, "spec.ldap.bindDN is set but spec.ldap.bindPassword is not: a bind without a password is refused");
        }
        return await context.Secrets.ResolveAsync(reference, new SecretScope(source.Key, "spec.ldap.bindPassword", context.BaseDirectory), cancellationToken);
    }

    private static TimeSpan Timeout(DirectorySource source, LdapSettings settings) =>
        GoDuration.TryParse(settings.Timeout, LdapSettings.TimeoutRange, "spec.ldap.timeout", out var timeout, out var error)
            ? timeout
            : throw Stalling(source, error);

    internal static IEnumerable<string> Values(SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: > 0 } values ? values.GetValues(typeof(string)).Cast<string>() : [];

    private static DirectoryReadException Stalling(DirectorySource source, string message) =>
        new(ErrorClass.Stalling, $"DirectorySource {SafeText.Show(source.Name)}: {message}");
}
