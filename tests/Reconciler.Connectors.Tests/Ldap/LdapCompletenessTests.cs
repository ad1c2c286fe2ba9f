using System.Net;
using System.Net.Sockets;
using Reconciler.Connectors.Ldap;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Testing.Directories;

namespace Reconciler.Connectors.Tests.Ldap;

/// <summary>Reads that cannot finish fail as a whole: a server limit, a server that goes away, a cancelled wait.</summary>
public sealed class LdapCompletenessTests
{
    private static DirectorySource Source(string url, string readerDn, int pageSize = 4, string timeout = "30s") => new()
    {
        Metadata = new ResourceMetadata { Name = "corp-ldap" },
        Spec = new DirectorySourceSpec
        {
            Type = DirectorySourceType.Ldap,
            Ldap = new LdapSettings
            {
                Url = url, BindDN = readerDn, BindPassword = new SecretReference { Env = "P" }, BaseDN = "ou=people,dc=example,dc=com",
                PageSize = pageSize, Timeout = timeout,
            },
        },
    };

    private static IAsyncEnumerable<DirectoryEntry> Read(DirectorySource source, string password, CancellationToken cancellationToken = default) =>
        new LdapDirectoryConnector().ReadAsync(source,
            new ReadContext(Path.GetTempPath(), null, new LocalSecretResolver(_ => password), TimeProvider.System), cancellationToken);

    [Fact]
    public async Task AServerSizeLimit_FailsTheRead_NeverTruncatesIt()
    {
        await using var server = await SlapdServer.StartAsync(new SlapdOptions { Users = 40, SizeLimit = 10, Tls = false });

        var e = await Assert.ThrowsAsync<DirectoryReadException>(async () =>
        {
            await foreach (var _ in Read(Source(server.Url, server.ReaderDN), server.ReaderPassword)) { }
        });

        Assert.Equal(ErrorClass.Transient, e.ErrorClass);
        Assert.Contains("size limit", e.Message);
    }

    [Fact]
    public async Task AServerThatGoesAwayMidRead_FailsTheRead()
    {
        await using var server = await SlapdServer.StartAsync(new SlapdOptions { Users = 40, Tls = false });
        var read = 0;

        var e = await Assert.ThrowsAsync<DirectoryReadException>(async () =>
        {
            await foreach (var entry in Read(Source(server.Url, server.ReaderDN, pageSize: 2), server.ReaderPassword))
            {
                if (entry is UserEntry && ++read == 3) await server.StopAsync();
            }
        });

        Assert.Equal(ErrorClass.Transient, e.ErrorClass);
        Assert.Contains("the search for users failed", e.Message);
        Assert.InRange(read, 3, 8); // the page asked for ahead may still arrive
    }

    [Fact]
    public async Task AServerThatGoesAwayWhileAnIncrementalReadListsTheIds_FailsTheRead_NamingNobodyGone()
    {
        // The id-only search runs beside the search for changed users, on its own connection: its failure must fail
        // the read, never end it early with a short list (every user not listed would look deleted).
        await using var server = await SlapdServer.StartAsync(new SlapdOptions { Users = 1_500, Tls = false });
        var source = Source(server.Url, server.ReaderDN, pageSize: 1);
        var context = (string? cursor) => new ReadContext(Path.GetTempPath(), cursor, new LocalSecretResolver(_ => server.ReaderPassword), TimeProvider.System);
        var full = new List<DirectoryEntry>();
        await foreach (var entry in new LdapDirectoryConnector().ReadAsync(source, context(null), default)) full.Add(entry);
        var cursor = Assert.IsType<ReadEnd>(full[^1]).NextCursor;
        var changed = server.Data.Users[7];
        await server.ModifyAsync($"""
            dn: {changed.Dn}
            changetype: modify
            replace: title
            title: Chief Listener

            """);
        var delta = new List<DirectoryEntry>();

        var e = await Assert.ThrowsAsync<DirectoryReadException>(async () =>
        {
            await foreach (var entry in new LdapDirectoryConnector().ReadAsync(source, context(cursor), default))
            {
                delta.Add(entry);
                // The changed user comes first; 1,500 ids one per page are still being listed.
                if (entry is UserEntry) await server.StopAsync();
            }
        });

        Assert.Equal(ErrorClass.Transient, e.ErrorClass);
        Assert.Contains("user ids", e.Message);
        Assert.Equal("Chief Listener", Assert.Single(delta.OfType<UserEntry>()).User.Details.Title);
        Assert.DoesNotContain(delta, entry => entry is ReadEnd);
    }

    [Fact]
    public async Task Cancelling_EndsAWaitOnAServerThatNeverAnswers_AtOnce()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true) accepted.Add(await silent.AcceptTcpClientAsync());
            }
            catch (Exception)
            {
                // stopped
            }
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Read(Source($"ldap://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}", "cn=reader,dc=example,dc=com", timeout: "60s"),
                "secret", cancel.Token)) { }
        });

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"cancelling took {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        silent.Stop();
        foreach (var client in accepted) client.Dispose();
    }
}
