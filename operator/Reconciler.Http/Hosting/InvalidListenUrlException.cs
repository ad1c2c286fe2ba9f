namespace Reconciler.Http.Hosting;

/// <summary>The <c>--listen</c> URL is not one the reconciler can serve on. The message names the URL and says why.</summary>
public sealed class InvalidListenUrlException(string listenUrl, string reason)
    : ArgumentException($"invalid listen URL '{listenUrl}': {reason}")
{
    public string ListenUrl { get; } = listenUrl;
}
