using System.Runtime.CompilerServices;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// The read of a SCIM source: there is nothing to fetch, since the identity provider pushes each user to the SCIM
/// endpoint, which stores it as the source's imported entry (and marks it for the next plan) the moment it arrives.
/// So a read is an empty delta that lists nobody: the snapshot stays as the pushes left it, and the plan takes the
/// users they wrote since the last one.
/// </summary>
public sealed class ScimPushConnector : IDirectoryConnector
{
    public DirectorySourceType Type => DirectorySourceType.Scim;

    public async IAsyncEnumerable<DirectoryEntry> ReadAsync(DirectorySource source, ReadContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask;
        yield return new ReadEnd(ReadMode.Delta, null);
    }
}
