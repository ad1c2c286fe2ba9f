using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Reconciler.Testing.Directories;

/// <summary>slapd could not be started (or restarted); the message carries its command line and log tail.</summary>
public sealed class SlapdStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SlapdStartException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A real OpenLDAP slapd on 127.0.0.1, owned by the test process: configuration, certificates and an mdb database
/// in a temp folder, filled offline with slapadd from <see cref="GeneratedDirectory"/> data, started in the foreground
/// of its own process on free ports. Dispose it to stop slapd and delete the folder; if the test process exits (or
/// dies) first, slapd is killed anyway.
/// </summary>
/// <remarks>
/// <para>Needs <c>/usr/sbin/slapd</c>, <c>slapadd</c>, ldap-utils (<c>ldapsearch</c>, <c>ldapadd</c>, …) and
/// <c>openssl</c>: <c>make deps</c> installs them. A server that cannot start throws <see cref="SlapdStartException"/>;
/// it never skips.</para>
/// <para>Modules: back_mdb, memberof (overlay on, with refint: online changes to groupOfNames members maintain
/// memberOf) and ppolicy (loaded for its schema only, so <c>pwdAccountLockedTime</c> exists; no ppolicy overlay and
/// no policy are configured, so nothing is enforced).</para>
/// <para>Access: <see cref="AdminDN"/> is the rootdn (writes anything, never size-limited); <see cref="ReaderDN"/>
/// reads everything under the suffix except <c>userPassword</c>; anonymous reads only the root DSE and the schema.</para>
/// </remarks>
public sealed class SlapdServer : IAsyncDisposable
{
    /// <summary>Where Debian installs slapd.</summary>
    public const string SlapdPath = "/usr/sbin/slapd";

    private const string SlapaddPath = "/usr/sbin/slapadd";
    private const string SchemaFolder = "/etc/ldap/schema";
    private const string ModuleFolder = "/usr/lib/ldap";
    private static readonly string[] Schemas = ["core", "cosine", "nis", "inetorgperson"];
    private static readonly ConcurrentDictionary<SlapdServer, byte> Live = new();

    private readonly SlapdOptions options;
    private readonly TestCertificates? certificates;
    private readonly string configFile;
    private readonly string adminPasswordFile;
    private readonly string readerPasswordFile;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly LogTail log = new(200);
    private Process? slapd;
    private Process? watchdog;
    private int tlsPort;
    private bool disposed;

    static SlapdServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private SlapdServer(SlapdOptions options, string folder, TestCertificates? certificates, GeneratedDirectory data,
        string adminPassword, string readerPassword)
    {
        this.options = options;
        this.certificates = certificates;
        Folder = folder;
        Data = data;
        AdminPassword = adminPassword;
        ReaderPassword = readerPassword;
        AdminDN = $"cn=admin,{options.BaseDN}";
        configFile = Path.Combine(folder, "slapd.conf");
        adminPasswordFile = Path.Combine(folder, "admin.pw");
        readerPasswordFile = Path.Combine(folder, "reader.pw");
    }

    /// <summary>The options the server was started with.</summary>
    public SlapdOptions Options => options;

    /// <summary><c>ldap://127.0.0.1:PORT</c> (plain, StartTLS available when TLS is on).</summary>
    public string Url => $"ldap://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary><c>ldaps://127.0.0.1:TLSPORT</c>; throws when <see cref="SlapdOptions.Tls"/> is off.</summary>
    public string LdapsUrl => $"ldaps://127.0.0.1:{TlsPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The plain LDAP port.</summary>
    public int Port { get; private set; }

    /// <summary>The ldaps port; throws when <see cref="SlapdOptions.Tls"/> is off.</summary>
    public int TlsPort => options.Tls ? tlsPort : throw TlsOff(nameof(TlsPort));

    /// <summary>The suffix.</summary>
    public string BaseDN => Data.BaseDN;

    /// <summary><c>ou=people,&lt;base&gt;</c>.</summary>
    public string PeopleDN => Data.PeopleDN;

    /// <summary><c>ou=groups,&lt;base&gt;</c>.</summary>
    public string GroupsDN => Data.GroupsDN;

    /// <summary><c>cn=admin,&lt;base&gt;</c>, the rootdn.</summary>
    public string AdminDN { get; }

    /// <summary>The admin's random password.</summary>
    public string AdminPassword { get; }

    /// <summary><c>cn=reader,ou=services,&lt;base&gt;</c>, allowed to read everything but passwords.</summary>
    public string ReaderDN => Data.ReaderDN;

    /// <summary>The reader's random password.</summary>
    public string ReaderPassword { get; }

    /// <summary>PEM of the CA that signed the server certificate (for <c>LDAPTLS_CACERT</c>); throws when TLS is off.</summary>
    public string CaFile => Certificates(nameof(CaFile)).CaFile;

    /// <summary>A folder holding only that CA, <c>openssl rehash</c>-ed (for a trusted-certificates directory); throws when TLS is off.</summary>
    public string CaDirectory => Certificates(nameof(CaDirectory)).CaDirectory;

    /// <summary>PEM of a second CA that signed nothing the server uses, for tests where TLS must fail; throws when TLS is off.</summary>
    public string UntrustedCaFile => Certificates(nameof(UntrustedCaFile)).UntrustedCaFile;

    /// <summary>The temp folder with slapd.conf, the database, the certificates and the LDIF; deleted on dispose.</summary>
    public string Folder { get; }

    /// <summary>What was generated and loaded.</summary>
    public GeneratedDirectory Data { get; }

    /// <summary>Whether slapd is currently running (false after <see cref="StopAsync"/>).</summary>
    public bool IsRunning => slapd is { HasExited: false };

    /// <summary>The last lines slapd wrote (it runs with <c>-d none</c>: start, stop and errors).</summary>
    public string RecentLog => log.Text;

    /// <summary>
    /// Generates the data, certificates and configuration in a new temp folder, loads the data with slapadd and
    /// starts slapd on free ports, returning once it answers a root DSE search.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than <see cref="GeneratedDirectory.MinimumUsers"/> users, or a size limit below 1.</exception>
    /// <exception cref="SlapdStartException">slapd or slapadd is missing, failed, or did not answer in time.</exception>
    public static async Task<SlapdServer> StartAsync(SlapdOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SlapdOptions();
        if (options.Users < GeneratedDirectory.MinimumUsers)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.Users, $"SlapdOptions.Users must be at least {GeneratedDirectory.MinimumUsers}.");
        }

        if (options.SizeLimit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SizeLimit, "SlapdOptions.SizeLimit must be at least 1 (null: unlimited).");
        }

        GeneratedDirectory.FirstRdn(options.BaseDN);
        string[] tools = options.Tls ? [SlapdPath, SlapaddPath, "ldapsearch", "openssl"] : [SlapdPath, SlapaddPath, "ldapsearch"];
        foreach (var tool in tools)
        {
            if (!IsInstalled(tool))
            {
                throw new SlapdStartException(
                    $"{tool} is not installed: run `make deps` (or `apt-get install -y slapd ldap-utils openssl`).");
            }
        }

        var folder = Directory.CreateTempSubdirectory("reconciler-slapd-").FullName;
        SlapdServer? server = null;
        try
        {
            var adminPassword = RandomPassword();
            var readerPassword = RandomPassword();
            var ldifFile = Path.Combine(folder, "data.ldif");
            async Task<TestCertificates?> CertificatesAsync() => options.Tls
                ? await TestCertificates.CreateAsync(Path.Combine(folder, "certs"), cancellationToken).ConfigureAwait(false)
                : null;

            var certificatesTask = CertificatesAsync();
            var dataTask = Task.Run(() => WriteLdif(options, readerPassword, ldifFile), cancellationToken);
            await Task.WhenAll(certificatesTask, dataTask).ConfigureAwait(false);

            server = new SlapdServer(options, folder, await certificatesTask.ConfigureAwait(false),
                await dataTask.ConfigureAwait(false), adminPassword, readerPassword);
            Live.TryAdd(server, 0);
            server.WriteFiles();
            Directory.CreateDirectory(Path.Combine(folder, "db"));

            var load = await ExternalTool.RunAsync(
                SlapaddPath, ["-q", "-f", server.configFile, "-l", ldifFile], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!load.Succeeded)
            {
                throw new SlapdStartException(
                    $"{load.CommandLine} exited with {load.ExitCode}: {Tail(load.StandardError + load.StandardOutput)}");
            }

            await server.LaunchAsync(newPorts: true, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                DeleteFolder(folder);
            }

            throw;
        }
    }

    /// <summary>Adds the entries in <paramref name="ldif"/> with ldapadd as the admin.</summary>
    /// <exception cref="ExternalToolException">ldapadd failed; the message has its stderr.</exception>
    public Task AddAsync(string ldif, CancellationToken ct = default) =>
        RunAsAdminAsync("ldapadd", [], ldif, ct);

    /// <summary>Applies <paramref name="ldif"/> (change records with <c>changetype:</c>) with ldapmodify as the admin.</summary>
    /// <exception cref="ExternalToolException">ldapmodify failed; the message has its stderr.</exception>
    public Task ModifyAsync(string ldif, CancellationToken ct = default) =>
        RunAsAdminAsync("ldapmodify", [], ldif, ct);

    /// <summary>Deletes the entry <paramref name="dn"/> with ldapdelete as the admin.</summary>
    /// <exception cref="ExternalToolException">ldapdelete failed; the message has its stderr.</exception>
    public Task DeleteAsync(string dn, CancellationToken ct = default) =>
        RunAsAdminAsync("ldapdelete", [dn], null, ct);

    /// <summary>
    /// Renames <paramref name="dn"/> to <paramref name="newRdn"/> with ldapmodrdn as the admin (<c>-r</c>: the old
    /// RDN value is removed), moving it under <paramref name="newSuperior"/> when given.
    /// </summary>
    /// <exception cref="ExternalToolException">ldapmodrdn failed; the message has its stderr.</exception>
    public Task RenameAsync(string dn, string newRdn, string? newSuperior = null, CancellationToken ct = default) =>
        RunAsAdminAsync("ldapmodrdn", newSuperior is null ? ["-r", dn, newRdn] : ["-r", "-s", newSuperior, dn, newRdn], null, ct);

    /// <summary>
    /// Searches with ldapsearch (plain LDAP, paged) as the admin or the reader and parses the result.
    /// A missing base (noSuchObject) gives an empty list.
    /// </summary>
    /// <param name="baseDn">The search base; <see langword="null"/> for <see cref="BaseDN"/>.</param>
    /// <param name="filter">The LDAP filter.</param>
    /// <param name="attributes">Attributes to return; <see langword="null"/> for all user and operational ones (<c>* +</c>).</param>
    /// <param name="scope"><c>base</c>, <c>one</c>, <c>sub</c> or <c>children</c>.</param>
    /// <param name="asReader">Bind as <see cref="ReaderDN"/> instead of the admin.</param>
    /// <param name="ct">Kills ldapsearch when cancelled.</param>
    /// <exception cref="ExternalToolException">ldapsearch failed (for example a size limit hit as the reader).</exception>
    public async Task<IReadOnlyList<LdifEntry>> SearchAsync(
        string? baseDn = null,
        string filter = "(objectClass=*)",
        IReadOnlyList<string>? attributes = null,
        string scope = "sub",
        bool asReader = false,
        CancellationToken ct = default)
    {
        List<string> arguments =
        [
            "-x", "-LLL", "-o", "ldif-wrap=no", "-o", "nettimeout=5", "-H", Url,
            "-D", asReader ? ReaderDN : AdminDN, "-y", asReader ? readerPasswordFile : adminPasswordFile,
            "-E", "pr=1000/noprompt", "-b", baseDn ?? BaseDN, "-s", scope, filter,
            .. attributes ?? ["*", "+"],
        ];
        var result = await ExternalTool.RunAsync("ldapsearch", arguments, cancellationToken: ct).ConfigureAwait(false);
        if (result.ExitCode == 32)
        {
            return [];
        }

        return Ldif.Parse(result.EnsureSuccess().StandardOutput);
    }

    /// <summary>Stops slapd (SIGTERM, then SIGKILL after 5 s), for "server went away" tests. The data stays.</summary>
    public async Task StopAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Starts slapd again on the same ports with the same data (including online changes made before the stop).
    /// Does nothing while it is running.
    /// </summary>
    /// <exception cref="SlapdStartException">slapd failed or did not answer in time (for example the port was taken meanwhile).</exception>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!IsRunning)
            {
                await StopCoreAsync().ConfigureAwait(false);
                await LaunchAsync(newPorts: false, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops slapd and deletes <see cref="Folder"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            await StopCoreAsync().ConfigureAwait(false);
            DeleteFolder(Folder);
            Live.TryRemove(this, out _);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task RunAsAdminAsync(string tool, IReadOnlyList<string> arguments, string? input, CancellationToken ct)
    {
        List<string> all = ["-x", "-o", "nettimeout=5", "-H", Url, "-D", AdminDN, "-y", adminPasswordFile, .. arguments];
        (await ExternalTool.RunAsync(tool, all, input, cancellationToken: ct).ConfigureAwait(false)).EnsureSuccess();
    }

    private static GeneratedDirectory WriteLdif(SlapdOptions options, string readerPassword, string path)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
        return GeneratedDirectory.Generate(options, readerPassword, writer);
    }

    private void WriteFiles()
    {
        WriteSecret(adminPasswordFile, AdminPassword);
        WriteSecret(readerPasswordFile, ReaderPassword);
        WriteSecret(configFile, BuildConfig());
    }

    internal static void WriteSecret(string path, string content)
    {
        File.WriteAllText(path, content, new UTF8Encoding(false));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private string BuildConfig()
    {
        var c = new StringBuilder();
        void Line(string text) => c.Append(text).Append('\n');

        Line("# Generated by Reconciler.Testing.Directories for one test server; deleted with it.");
        foreach (var schema in Schemas)
        {
            Line($"include {Quote(Path.Combine(SchemaFolder, schema + ".schema"))}");
        }

        Line($"modulepath {Quote(ModuleFolder)}");
        Line("moduleload back_mdb");
        Line("moduleload memberof");
        Line("# OpenLDAP 2.5 builds the ppolicy schema (pwdAccountLockedTime, ...) into the module: loading it is enough.");
        Line("moduleload ppolicy");
        Line($"pidfile {Quote(Path.Combine(Folder, "slapd.pid"))}");
        Line($"argsfile {Quote(Path.Combine(Folder, "slapd.args"))}");
        Line(options.SizeLimit is { } limit
            ? $"sizelimit {limit.ToString(CultureInfo.InvariantCulture)}"
            : "sizelimit unlimited");
        if (certificates is not null)
        {
            Line($"TLSCACertificateFile {Quote(certificates.CaFile)}");
            Line($"TLSCertificateFile {Quote(certificates.ServerCertificateFile)}");
            Line($"TLSCertificateKeyFile {Quote(certificates.ServerKeyFile)}");
        }

        Line("# frontend: anonymous may read the root DSE (readiness, supportedControl) and the schema, nothing else");
        Line("access to dn.base=\"\" by * read");
        Line("access to dn.base=\"cn=Subschema\" by * read");
        Line("access to * by * none");

        Line("database mdb");
        // slapadd -q sizes data.mdb to the map (sparse); ~1.5 KB per user is used, so leave ample room for online writes.
        var mapSize = Math.Max(1L << 30, (options.Users * 16L * 1024) + ((options.ExtraLdif?.Length ?? 0) * 8L) + (256L << 20));
        Line($"maxsize {mapSize.ToString(CultureInfo.InvariantCulture)}");
        Line($"suffix {Quote(options.BaseDN)}");
        Line($"rootdn {Quote(AdminDN)}");
        Line($"rootpw {Quote(AdminPassword)}");
        Line($"directory {Quote(Path.Combine(Folder, "db"))}");
        Line("dbnosync");
        // about 1 s of the 100,000-user slapadd; member/memberOf keep the overlay's refint lookups off full scans
        Line("index objectClass eq");
        Line("index uid,mail,cn eq");
        Line("index member,memberOf eq");
        Line("index entryUUID eq");
        // incremental reads filter on entryCSN: indexed as a provider for syncrepl consumers has it (docs/reference.md advises it)
        Line("index entryCSN eq");
        Line("access to attrs=userPassword by self =xw by anonymous auth by * none");
        Line($"access to dn.subtree={Quote(options.BaseDN)} by dn.exact={Quote(ReaderDN)} read by self read by * none");
        Line("overlay memberof");
        Line("memberof-group-oc groupOfNames");
        Line("memberof-member-ad member");
        Line("memberof-memberof-ad memberOf");
        Line("memberof-refint TRUE");
        return c.ToString();
    }

    private async Task LaunchAsync(bool newPorts, CancellationToken ct)
    {
        const int attempts = 4;
        for (var attempt = 1; ; attempt++)
        {
            if (newPorts)
            {
                (Port, tlsPort) = FreePorts();
            }

            var failure = await TryLaunchAsync(ct).ConfigureAwait(false);
            if (failure is null)
            {
                return;
            }

            if (failure.Value.AddressInUse && attempt < attempts)
            {
                if (!newPorts)
                {
                    await Task.Delay(250 * attempt, ct).ConfigureAwait(false);
                }

                continue;
            }

            throw new SlapdStartException(
                $"slapd did not start ({failure.Value.Reason}, attempt {attempt}).\nCommand: {failure.Value.CommandLine}\n" +
                $"Folder: {Folder}\nslapd log tail:\n{failure.Value.Log}");
        }
    }

    private async Task<(bool AddressInUse, string Reason, string CommandLine, string Log)?> TryLaunchAsync(CancellationToken ct)
    {
        var urls = options.Tls ? $"{Url}/ {LdapsUrl}/" : $"{Url}/";
        string[] arguments = ["-f", configFile, "-h", urls, "-d", "none"];
        var commandLine = ExternalTool.FormatCommandLine(SlapdPath, arguments);
        log.Clear();

        var process = ServerProcess.Launch(SlapdPath, arguments, log, closeInput: true, (message, e) => new SlapdStartException(message, e));
        slapd = process;
        watchdog = ServerProcess.StartWatchdog("slapd", process.Id, Folder, "reconciler-slapd-");

        string? reason;
        try
        {
            reason = await ServerProcess.WaitUntilAnswersAsync(process, options.StartTimeout, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(25),
                AnswersAsync, "a root DSE search", ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopCoreAsync().ConfigureAwait(false);
            throw;
        }
        if (reason is null) return null;
        var tail = log.Text;
        var inUse = process.HasExited && (tail.Contains("errno=98", StringComparison.Ordinal) || tail.Contains("Address already in use", StringComparison.Ordinal));
        await StopCoreAsync().ConfigureAwait(false);
        return (inUse, reason, commandLine, tail);
    }

    private async Task<bool> AnswersAsync(CancellationToken probe)
    {
        if (!await ServerProcess.CanConnectAsync(Port, probe).ConfigureAwait(false) ||
            (options.Tls && !await ServerProcess.CanConnectAsync(tlsPort, probe).ConfigureAwait(false)))
        {
            return false;
        }

        var result = await ExternalTool.RunAsync(
            "ldapsearch",
            ["-x", "-LLL", "-o", "nettimeout=2", "-H", Url, "-b", "", "-s", "base", "namingContexts"],
            cancellationToken: probe).ConfigureAwait(false);
        return result.Succeeded && result.StandardOutput.Contains(options.BaseDN, StringComparison.OrdinalIgnoreCase);
    }

    private async Task StopCoreAsync()
    {
        if (watchdog is { } guard)
        {
            watchdog = null;
            KillQuietly(guard);
            await guard.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            guard.Dispose();
        }

        if (slapd is { } process)
        {
            slapd = null;
            if (!process.HasExited)
            {
                await ExternalTool.RunAsync(
                    "/bin/sh", ["-c", "kill -TERM \"$1\" 2>/dev/null", "slapd-stop", process.Id.ToString(CultureInfo.InvariantCulture)])
                    .ConfigureAwait(false);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    KillQuietly(process);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            process.Dispose();
        }
    }

    private static void KillAll()
    {
        foreach (var server in Live.Keys)
        {
            if (server.watchdog is { } guard)
            {
                KillQuietly(guard);
            }

            if (server.slapd is { } process)
            {
                KillQuietly(process);
                try
                {
                    process.WaitForExit(2000);
                }
                catch (InvalidOperationException)
                {
                }
            }

            DeleteFolder(server.Folder);
        }
    }

    internal static void KillQuietly(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already exited
        }
    }

    internal static void DeleteFolder(string folder)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(50);
            }
        }
    }

    internal static bool IsInstalled(string tool) =>
        Path.IsPathRooted(tool)
            ? File.Exists(tool)
            : (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(folder => File.Exists(Path.Combine(folder, tool)));

    private static (int Port, int TlsPort) FreePorts()
    {
        var first = new TcpListener(IPAddress.Loopback, 0);
        var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        try
        {
            return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
        }
        finally
        {
            first.Stop();
            second.Stop();
        }
    }

    internal static string RandomPassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    internal static string Tail(string text)
    {
        text = text.Trim();
        return text.Length <= 4000 ? text : "…" + text[^4000..];
    }

    private TestCertificates Certificates(string property) => certificates ?? throw TlsOff(property);

    private static InvalidOperationException TlsOff(string property) =>
        new($"SlapdServer.{property} is only available with SlapdOptions.Tls = true.");

    internal sealed class LogTail(int capacity, string writer = "slapd")
    {
        private readonly Queue<string> lines = new();

        public string Text
        {
            get
            {
                lock (lines)
                {
                    return lines.Count == 0 ? $"({writer} wrote nothing)" : string.Join('\n', lines);
                }
            }
        }

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Enqueue(line);
                while (lines.Count > capacity)
                {
                    lines.Dequeue();
                }
            }
        }

        public void Clear()
        {
            lock (lines)
            {
                lines.Clear();
            }
        }
    }
}
