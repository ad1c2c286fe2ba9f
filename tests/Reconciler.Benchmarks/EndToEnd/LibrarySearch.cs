using System.DirectoryServices.Protocols;
using System.Net;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// The LDAP suite's second reference: the paged search `apply` makes, done by System.DirectoryServices.Protocols
/// alone in a process of its own (this bench program started again with <see cref="Flag"/>), every value read as
/// text and nothing else done with it. It is the floor the connector stands on: what a .NET process pays for the
/// library's requests and decoding before any of Reconciler's work.
/// </summary>
public static class LibrarySearch
{
    public const string Flag = "--library-search";

    /// <summary>The arguments that make this program run the search: the server, who binds, the base, the attributes.</summary>
    public static string[] Arguments(Uri url, string bindDn, string passwordFile, string baseDn, string filter, int pageSize, IEnumerable<string> attributes) =>
        [Flag, url.Host, url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), bindDn, passwordFile, baseDn, filter,
            pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), .. attributes];

    /// <summary>Runs the search given by <see cref="Arguments"/> (without the flag); prints the entries and values read.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 8)
        {
            Console.Error.WriteLine($"{Flag} HOST PORT BIND_DN PASSWORD_FILE BASE_DN FILTER PAGE_SIZE ATTRIBUTE...");
            return 2;
        }
        using var connection = new LdapConnection(new LdapDirectoryIdentifier(args[0], int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)));
        connection.SessionOptions.ProtocolVersion = 3;
        connection.AuthType = AuthType.Basic;
        connection.Bind(new NetworkCredential(args[2], File.ReadAllText(args[3]).Trim()));
        var page = new PageResultRequestControl(int.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture));
        var request = new SearchRequest(args[4], args[5], SearchScope.Subtree, args[7..]);
        request.Controls.Add(page);
        long entries = 0, values = 0;
        while (true)
        {
            var response = (SearchResponse)connection.SendRequest(request);
            foreach (SearchResultEntry entry in response.Entries)
            {
                entries++;
                foreach (DirectoryAttribute attribute in entry.Attributes.Values) values += attribute.GetValues(typeof(string)).Length;
            }
            var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
            if (cookie is not { Length: > 0 }) break;
            page.Cookie = cookie;
        }
        Console.WriteLine($"{entries} entries, {values} values");
        return 0;
    }
}
