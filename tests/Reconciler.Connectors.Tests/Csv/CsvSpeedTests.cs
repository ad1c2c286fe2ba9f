using System.Diagnostics;
using Xunit.Abstractions;

namespace Reconciler.Connectors.Tests.Csv;

/// <summary>Prints how long a large export takes; asserts only that it was read whole, never how fast.</summary>
public sealed class CsvSpeedTests(ITestOutputHelper output) : IDisposable
{
    private readonly CsvFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Import100kUsers_PrintsTheTime()
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

        var watch = Stopwatch.StartNew();
        var snapshot = await folder.ImportAsync();
        output.WriteLine($"imported {snapshot.Users.Count:N0} users in {watch.ElapsedMilliseconds} ms");
        watch.Restart();
        await folder.ImportAsync();
        output.WriteLine($"again, with the code warm: {watch.ElapsedMilliseconds} ms");

        Assert.Equal(users, snapshot.Users.Count);
        Assert.True(snapshot.Complete);
    }
}
