using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Reconciler.Core.Status;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// One bound connection to a directory (System.DirectoryServices.Protocols over the system's libldap): TLS as the
/// endpoint says, referrals never chased, a simple bind, and paged searches streamed page by page. Every failure
/// comes out as a <see cref="DirectoryReadException"/> whose class says whether retrying can help and whose message
/// names the server, never the password.
/// </summary>
public sealed class LdapSession : IDisposable
{
    /// <summary>A paged search that has not ended after this many pages is a server that loops: give up.</summary>
    public const int MaxPages = 100_000;

    private readonly LdapConnection _connection;
    private readonly LdapEndpoint _endpoint;
    private readonly TimeSpan _timeout;

    private LdapSession(LdapConnection connection, LdapEndpoint endpoint, TimeSpan timeout)
    {
        _connection = connection;
        _endpoint = endpoint;
        _timeout = timeout;
    }

    public string Server => _endpoint.Url;

    /// <summary>Connects and binds (anonymously when <paramref name="bindDn"/> is null).</summary>
    public static async Task<LdapSession> OpenAsync(LdapEndpoint endpoint, string? bindDn, string? password, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier(endpoint.Host, endpoint.Port, false, false))
        {
            AuthType = bindDn is null ? AuthType.Anonymous : AuthType.Basic,
            Timeout = timeout,
        };
        var session = new LdapSession(connection, endpoint, timeout);
        try
        {
            var options = connection.SessionOptions;
            options.ProtocolVersion = 3;
            options.ReferralChasing = ReferralChasingOptions.None;
            if (endpoint.Ldaps) options.SecureSocketLayer = true;
            // libldap (Linux, macOS) takes its trust list per connection; Windows verifies against the machine's store.
            if (!OperatingSystem.IsWindows())
            {
                if (endpoint.CaDirectory is { } ca) options.TrustedCertificatesDirectory = ca;
                if (endpoint.Ldaps || endpoint.StartTls) options.StartNewTlsSessionContext();
            }
            await session.Call(() =>
            {
                if (endpoint.StartTls)
                {
                    // libldap connects lazily, on the first operation, and StartTLS needs a connection: open it with
                    // an anonymous bind (no password on the wire), upgrade it, and only then send the credentials.
                    connection.AuthType = AuthType.Anonymous;
                    connection.Bind();
                    options.StartTransportLayerSecurity(null);
                    connection.AuthType = bindDn is null ? AuthType.Anonymous : AuthType.Basic;
                }
                if (bindDn is null) connection.Bind();
                else connection.Bind(new NetworkCredential(bindDn, password));
                return true;
            }).WaitAsync(timeout + timeout, cancellationToken);
            return session;
        }
        catch (OperationCanceledException)
        {
            session.Dispose();
            throw;
        }
        catch (Exception e)
        {
            session.Dispose();
            throw await session.BindFailureAsync(e, bindDn, cancellationToken);
        }
    }

    /// <summary>
    /// Streams the entries of a subtree search, <paramref name="pageSize"/> per page with the paged-results control
    /// (RFC 2696). Each page is one request; cancellation abandons it.
    /// </summary>
    public async IAsyncEnumerable<SearchResultEntry> SearchAsync(string baseDn, string filter, string[] attributes, int pageSize,
        string what, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = new PageResultRequestControl(pageSize) { IsCritical = false };
        var request = new SearchRequest(baseDn, filter, SearchScope.Subtree, attributes) { TimeLimit = _timeout };
        request.Controls.Add(page);
        // The next page is asked for as soon as this one is in, so the server and libldap work on it while this
        // page's entries go on to the engine.
        var next = SendAsync(request, cancellationToken);
        for (var pages = 1; ; pages++)
        {
            SearchResponse response;
            try
            {
                response = await next;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw SearchFailure(e, baseDn, filter, what);
            }
            var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
            var more = cookie is { Length: > 0 };
            if (more)
            {
                if (pages >= MaxPages)
                {
                    throw new DirectoryReadException(ErrorClass.Transient,
                        $"{Server}: the paged search for {what} under '{SafeText.Show(baseDn, 200)}' did not end after {MaxPages:N0} pages");
                }
                page.Cookie = cookie;
                next = SendAsync(request, cancellationToken);
            }
            foreach (SearchResultEntry entry in response.Entries) yield return entry;
            if (!more) yield break;
        }
    }

    /// <summary>One entry by its DN (<c>""</c>: the root DSE), or null when the server has none there.</summary>
    public async Task<SearchResultEntry?> ReadEntryAsync(string dn, string[] attributes, string what, CancellationToken cancellationToken)
    {
        var request = new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, attributes) { TimeLimit = _timeout };
        try
        {
            var response = await SendAsync(request, cancellationToken);
            return response.Entries.Count > 0 ? response.Entries[0] : null;
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw SearchFailure(e, dn, "(objectClass=*)", what);
        }
    }

    /// <summary>Closes the connection once the calls queued on its thread have returned (see <see cref="LdapThread"/>).</summary>
    public void Dispose() => _thread.Finish(_connection.Dispose);

    private readonly LdapThread _thread = new("ldap");

    private Task<T> Call<T>(Func<T> work) => _thread.Run(work);

    /// <summary>
    /// One request on the connection's thread: libldap's synchronous call returns as soon as the page is in, where
    /// System.DirectoryServices.Protocols' asynchronous one polls and added seconds per page. Cancellation stops the
    /// wait at once; the call itself ends at its timeout, and only then is the connection closed.
    /// </summary>
    private async Task<SearchResponse> SendAsync(SearchRequest request, CancellationToken cancellationToken) =>
        (SearchResponse)await Call(() => _connection.SendRequest(request, _timeout)).WaitAsync(cancellationToken);

    private async Task<DirectoryReadException> BindFailureAsync(Exception e, string? bindDn, CancellationToken cancellationToken)
    {
        var who = bindDn is null ? "anonymously" : $"as '{SafeText.Show(bindDn, 200)}'";
        if (e is TimeoutException)
        {
            return new DirectoryReadException(ErrorClass.Transient, $"{Server}: no answer to the bind within {Durations(_timeout + _timeout)}", inner: e);
        }
        var code = e switch
        {
            LdapException l => l.ErrorCode,
            DirectoryOperationException d => (int)d.Response.ResultCode,
            _ => -1,
        };
        switch (code)
        {
            case 49:
                return new DirectoryReadException(ErrorClass.Stalling,
                    $"{Server}: the bind {who} was refused: invalid credentials (check spec.ldap.bindDN and the secret spec.ldap.bindPassword names)", inner: e);
            case 48 or 8 or 13:
                return new DirectoryReadException(ErrorClass.Stalling,
                    $"{Server}: the server refused a simple bind {who} ({Reason(e)}); most directories want TLS first: use ldaps:// or startTLS: true", inner: e);
            case 50 or 53:
                return new DirectoryReadException(ErrorClass.Stalling, $"{Server}: the bind {who} was refused: {Reason(e)}", inner: e);
            case 85:
                return new DirectoryReadException(ErrorClass.Transient, $"{Server}: no answer within {Durations(_timeout)}", inner: e);
        }
        if (_endpoint.Ldaps || _endpoint.StartTls)
        {
            // libldap reports a refused certificate as "server unavailable": tell the two apart by whether TCP connects.
            if (await TcpAnswersAsync(cancellationToken))
            {
                return new DirectoryReadException(ErrorClass.Stalling,
                    $"{Server}: the TLS handshake failed ({Reason(e)}): the server's certificate is not trusted " +
                    (_endpoint.CaDirectory is null ? "by the system's CAs (set spec.ldap.caFile)" : "by spec.ldap.caFile") +
                    $" or does not name {_endpoint.Host}", inner: e);
            }
        }
        return new DirectoryReadException(ErrorClass.Transient, $"{Server}: cannot connect ({Reason(e)})", inner: e);
    }

    private async Task<bool> TcpAnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(_timeout);
            await client.ConnectAsync(_endpoint.Host, _endpoint.Port, limit.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    private DirectoryReadException SearchFailure(Exception e, string baseDn, string filter, string what)
    {
        var under = $"'{SafeText.Show(baseDn, 200)}'";
        if (e is DirectoryOperationException operation)
        {
            var result = operation.Response?.ResultCode;
            return result switch
            {
                ResultCode.NoSuchObject => new DirectoryReadException(ErrorClass.Stalling,
                    $"{Server}: the base DN {under} of the search for {what} does not exist", inner: e),
                ResultCode.SizeLimitExceeded => new DirectoryReadException(ErrorClass.Transient,
                    $"{Server}: the server cut the search for {what} under {under} at its size limit; raise the bind account's limit " +
                    "(OpenLDAP: sizelimit; AD: MaxPageSize) or lower spec.ldap.pageSize", inner: e),
                ResultCode.TimeLimitExceeded => new DirectoryReadException(ErrorClass.Transient,
                    $"{Server}: the search for {what} under {under} ran past its time limit", inner: e),
                ResultCode.InsufficientAccessRights => new DirectoryReadException(ErrorClass.Stalling,
                    $"{Server}: the bind account may not search {under}", inner: e),
                ResultCode.Busy or ResultCode.Unavailable or ResultCode.Other => new DirectoryReadException(ErrorClass.Transient,
                    $"{Server}: the search for {what} failed: {Reason(e)}", inner: e),
                ResultCode.InvalidDNSyntax => new DirectoryReadException(ErrorClass.Stalling,
                    $"{Server}: {under} is not a valid DN", inner: e),
                _ => new DirectoryReadException(ErrorClass.Stalling, $"{Server}: the search for {what} under {under} failed: {Reason(e)}", inner: e),
            };
        }
        if (e is LdapException ldap)
        {
            return ldap.ErrorCode switch
            {
                87 => new DirectoryReadException(ErrorClass.Stalling,
                    $"{Server}: '{SafeText.Show(filter, 300)}' is not a valid LDAP filter (the search for {what})", inner: e),
                85 => new DirectoryReadException(ErrorClass.Transient,
                    $"{Server}: the search for {what} got no answer within {Durations(_timeout)}", inner: e),
                _ => new DirectoryReadException(ErrorClass.Transient,
                    $"{Server}: the search for {what} failed: {Reason(e)} (the connection was lost or the server is down)", inner: e),
            };
        }
        if (e is TimeoutException)
        {
            return new DirectoryReadException(ErrorClass.Transient, $"{Server}: the search for {what} got no answer within {Durations(_timeout)}", inner: e);
        }
        return new DirectoryReadException(ErrorClass.Transient, $"{Server}: the search for {what} failed: {Reason(e)}", inner: e);
    }

    /// <summary>The library's words for the failure, cleaned for a message (they never hold the password).</summary>
    private static string Reason(Exception e)
    {
        var text = e is DirectoryOperationException { Response: { } response } && !string.IsNullOrWhiteSpace(response.ErrorMessage)
            ? $"{e.Message.TrimEnd('.')}: {response.ErrorMessage}"
            : e.Message;
        return SafeText.Show(text.Trim().TrimEnd('.'), 300);
    }

    private static string Durations(TimeSpan span) => Core.Resources.GoDuration.Format(span);
}
