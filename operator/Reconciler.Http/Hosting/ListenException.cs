namespace Reconciler.Http.Hosting;

/// <summary>
/// The HTTP server could not bind its address, e.g. "cannot listen on http://127.0.0.1:8080: address already in use".
/// The message is meant for the user as is; the socket error is kept as the inner exception.
/// </summary>
public sealed class ListenException(string listenUrl, string reason, Exception? innerException = null)
    : IOException($"cannot listen on {listenUrl}: {reason}", innerException)
{
    public string ListenUrl { get; } = listenUrl;
}
