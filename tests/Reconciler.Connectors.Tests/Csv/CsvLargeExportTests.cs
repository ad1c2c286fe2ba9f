namespace Reconciler.Connectors.Tests.Csv;

/// <summary>A large export is read whole, across buffer boundaries. How fast is measured by `make bench`, not here.</summary>
public sealed class CsvLargeExportTests : IDisposable
{
    private readonly CsvFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Import100kUsers_ReadsEveryRowAcrossBufferBoundaries()
    {
        const int users = 100_000;
        using (var writer = new StreamWriter(folder.PathOf("users.csv")))
        {
            await writer.WriteLineAsync("id,userName,email,displayName,givenName,surname,department,title,groups,organizationalUnit,enabled,costCenter");
            for (var i = 0; i < users; i++)
            {
                await writer.WriteLineAsync(
                    $"u{i},user{i},user{i}@example.com,\"User, {i}\",User,{i},R&D,Engineer,eng;all,\"ou=people,dc=example,dc=com\",yes,CC-{i % 50}");
            }
        }

        var snapshot = await folder.ImportAsync();

        Assert.Equal(users, snapshot.Users.Count);
        Assert.True(snapshot.Complete);
        var last = snapshot.Users[^1];
        Assert.Equal(($"u{users - 1}", $"User, {users - 1}", "CC-49"), (last.Id, last.Details.DisplayName, last.Attributes!["costCenter"]));
    }
}
