using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Reconciler.Http.Hosting;

/// <summary>
/// A parsed <c>--listen</c> URL: <c>http://HOST:PORT</c> where HOST is an IP address, <c>localhost</c>,
/// or <c>*</c> / <c>+</c> for all interfaces. Port 0 picks a free port. Only plain http: TLS is terminated in front.
/// </summary>
internal sealed record ListenAddress(string Url, ListenAddress.HostKind Kind, IPAddress? Ip, int Port)
{
    public enum HostKind { Ip, Localhost, AnyIp }

    private const string Expected = "expected http://HOST:PORT, e.g. http://127.0.0.1:8080";

    public static ListenAddress Parse(string? listenUrl)
    {
        var url = listenUrl?.Trim() ?? "";
        if (url.Length == 0)
        {
            throw new InvalidListenUrlException(url, $"it is empty; {Expected}");
        }

        var separator = url.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
        {
            throw new InvalidListenUrlException(url, $"it is not a URL; {Expected}");
        }

        var scheme = url[..separator];
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidListenUrlException(url,
                $"scheme '{scheme}' is not supported; only http:// is (terminate TLS in a proxy or ingress in front)");
        }

        // Uri cannot parse the wildcard hosts Kestrel users write; stand in a parsable host and remember it.
        var rest = url[(separator + 3)..];
        var wildcard = rest.Length > 0 && rest[0] is '*' or '+' && (rest.Length == 1 || rest[1] is ':' or '/');
        var parsable = "http://" + (wildcard ? "0.0.0.0" + rest[1..] : rest);
        if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new InvalidListenUrlException(url, $"it is malformed (is the port between 0 and 65535?); {Expected}");
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.AbsolutePath != "/")
        {
            throw new InvalidListenUrlException(url, $"it may have only a host and a port, no path, query or user; {Expected}");
        }

        if (wildcard)
        {
            return new ListenAddress(url, HostKind.AnyIp, null, uri.Port);
        }

        if (uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns)
        {
            // "localhost" binds both loopback addresses, which needs a fixed port; port 0 takes IPv4 loopback only.
            return uri.Port == 0
                ? new ListenAddress(url, HostKind.Ip, IPAddress.Loopback, 0)
                : new ListenAddress(url, HostKind.Localhost, null, uri.Port);
        }

        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
        {
            throw new InvalidListenUrlException(url,
                $"host '{uri.Host}' is not an IP address, localhost or *; use the address of the interface to serve on, or 0.0.0.0 for all");
        }

        return new ListenAddress(url, HostKind.Ip, ip, uri.Port);
    }

    public void Apply(KestrelServerOptions kestrel)
    {
        switch (Kind)
        {
            case HostKind.Localhost: kestrel.ListenLocalhost(Port); break;
            case HostKind.AnyIp: kestrel.ListenAnyIP(Port); break;
            default: kestrel.Listen(Ip!, Port); break;
        }
    }
}
