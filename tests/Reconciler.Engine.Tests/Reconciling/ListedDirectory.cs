using System.Runtime.CompilerServices;
using Reconciler.Connectors;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Engine.Tests.Reconciling;

/// <summary>Yields whatever the test lists, whatever the cursor.</summary>
internal sealed class ListedDirectory : IDirectoryConnector
{
    public IReadOnlyList<DirectoryEntry> Entries { get; set; } = [];

    /// <summary>The cursor each read was given.</summary>
    public List<string?> Cursors { get; } = [];

    public DirectorySourceType Type => DirectorySourceType.Ldap;

    public async IAsyncEnumerable<DirectoryEntry> ReadAsync(DirectorySource source, ReadContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Cursors.Add(context.Cursor);
        await Task.Yield();
        foreach (var entry in Entries) yield return entry;
    }

    /// <summary>A user with a user name and an email, as a directory entry.</summary>
    public static UserEntry User(string id, string email) =>
        new(new ImportedUser { Id = id, Details = new UserDetails { UserName = id, Email = email } });
}
