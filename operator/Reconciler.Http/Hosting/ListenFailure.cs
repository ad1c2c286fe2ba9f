using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Reconciler.Http.Hosting;

/// <summary>Translates what Kestrel throws when it cannot bind into words a user can act on.</summary>
internal static class ListenFailure
{
    /// <summary>The reason the bind failed, or null when <paramref name="exception"/> is not a bind failure.</summary>
    public static string? Describe(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case AddressInUseException:
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    return "address already in use";
                case SocketException { SocketErrorCode: SocketError.AccessDenied }:
                    return "permission denied (ports below 1024 need privileges)";
                case SocketException { SocketErrorCode: SocketError.AddressNotAvailable }:
                    return "the address is not one of this machine's interfaces";
                case SocketException socket:
                    return socket.Message;
            }
        }

        return null;
    }
}
