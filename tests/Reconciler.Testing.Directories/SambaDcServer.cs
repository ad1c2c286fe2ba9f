using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reconciler.Testing.Directories;

/// <summary>The Samba domain controller could not be provisioned or started; the message carries the command and log tail.</summary>
public sealed class SambaStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SambaStartException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>How long the phases of one <see cref="SambaDcServer.StartAsync"/> took.</summary>
/// <param name="Provision">
/// <c>samba-tool domain provision</c> of the per-process template; <see cref="TimeSpan.Zero"/> when an earlier start in
/// this process had already provisioned it.
/// </param>
/// <param name="Copy">Copying the template and making the certificates.</param>
/// <param name="PortWait">Waiting for another server to release ports 389/636.</param>
/// <param name="Launch">From starting <c>samba</c> until it answered over LDAPS.</param>
/// <param name="Data">Adding the generated OUs, users and groups and reading their objectGUIDs back.</param>
public sealed record SambaStartTimings(TimeSpan Provision, TimeSpan Copy, TimeSpan PortWait, TimeSpan Launch, TimeSpan Data)
{
    /// <summary>The sum of all phases.</summary>
    public TimeSpan Total => Provision + Copy + PortWait + Launch + Data;

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"provision {Provision.TotalSeconds:0.00} s, copy {Copy.TotalSeconds:0.00} s, port wait {PortWait.TotalSeconds:0.00} s, " +
        $"launch {Launch.TotalSeconds:0.00} s, data {Data.TotalSeconds:0.00} s, total {Total.TotalSeconds:0.00} s");
}

/// <summary>
/// A real Samba Active Directory domain controller (realm <c>EXAMPLE.TEST</c>, NetBIOS domain <c>EXAMPLE</c>) on
/// 127.0.0.1, owned by the test process: a domain provisioned once per process into a template folder, copied into a
/// temp folder per server, given a test certificate for 127.0.0.1, started in the foreground of its own process with only
/// the LDAP service, and filled over LDAPS with <see cref="GeneratedAdDirectory"/> data. Dispose it to stop Samba and
/// delete the folder; if the test process exits (or dies) first, Samba is killed anyway.
/// </summary>
/// <remarks>
/// <para>Needs <c>/usr/sbin/samba</c> and <c>samba-tool</c> (package samba), ldap-utils and openssl (<c>make deps</c>
/// installs them) and root, because Samba's LDAP server always listens on the fixed ports 389 and 636 (and the global
/// catalog on 3268/3269); smb.conf has no option to move them. Only one server can therefore run on a machine at a time:
/// <see cref="StartAsync"/> takes a process-wide semaphore plus an exclusive lock on a file in the temp folder and holds
/// both until the server is disposed, so other test classes (in this or another test process) wait for their turn.</para>
/// <para>A server that cannot start throws <see cref="SambaStartException"/>; it never skips.</para>
/// <para>Access: <see cref="AdminBindName"/> is the domain Administrator. <see cref="ReaderDN"/> is a plain domain user;
/// as in AD, any authenticated user can read users and groups. Samba requires strong auth for simple binds: on
/// <see cref="Url"/> a simple bind works only after StartTLS; <see cref="LdapsUrl"/> works directly.</para>
/// </remarks>
public sealed class SambaDcServer : IAsyncDisposable
{
    /// <summary>Where Debian installs the Samba server.</summary>
    public const string SambaPath = "/usr/sbin/samba";

    /// <summary>Samba's fixed LDAP port.</summary>
    public const int LdapPort = 389;

    /// <summary>Samba's fixed LDAPS port.</summary>
    public const int LdapsPort = 636;

    private const string SambaToolPath = "/usr/bin/samba-tool";
    private const string NetBiosDomain = "EXAMPLE";
    private const string TemplatePrefix = "reconciler-samba-template-";
    private static readonly ConcurrentDictionary<SambaDcServer, byte> Live = new();
    private static readonly SemaphoreSlim PortGate = new(1, 1);
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static readonly string PortLockFile = Path.Combine(Path.GetTempPath(), "reconciler-samba-dc.lock");
    private static Template? template;

    private readonly SambaOptions options;
    private readonly TestCertificates certificates;
    private readonly string dcFolder;
    private readonly string configFile;
    private readonly string adminPasswordFile;
    private readonly string readerPasswordFile;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SlapdServer.LogTail log = new(300, "samba");
    private Process? samba;
    private Process? watchdog;
    private FileStream? portLock;
    private bool holdsPortGate;
    private bool disposed;

    static SambaDcServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private SambaDcServer(SambaOptions options, string folder, TestCertificates certificates, string adminPassword,
        string readerPassword, string userPassword, GeneratedAdDirectory data)
    {
        this.options = options;
        this.certificates = certificates;
        Folder = folder;
        AdminPassword = adminPassword;
        ReaderPassword = readerPassword;
        UserPassword = userPassword;
        Data = data;
        dcFolder = Path.Combine(folder, "dc");
        configFile = Path.Combine(dcFolder, "etc", "smb.conf");
        adminPasswordFile = Path.Combine(folder, "admin.pw");
        readerPasswordFile = Path.Combine(folder, "reader.pw");
    }

    /// <summary>The options the server was started with.</summary>
    public SambaOptions Options => options;

    /// <summary><c>ldaps://127.0.0.1:636</c>.</summary>
    public string LdapsUrl => $"ldaps://127.0.0.1:{LdapsPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary><c>ldap://127.0.0.1:389</c>; simple binds need StartTLS first (Samba requires strong auth).</summary>
    public string Url => $"ldap://127.0.0.1:{LdapPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary><c>DC=example,DC=test</c>.</summary>
    public string BaseDN => Data.BaseDN;

    /// <summary>The NetBIOS domain name, <c>EXAMPLE</c>.</summary>
    public string Domain => NetBiosDomain;

    /// <summary>The DNS realm, <c>example.test</c>.</summary>
    public string Realm => GeneratedAdDirectory.Realm;

    /// <summary><c>OU=People,DC=example,DC=test</c>: every generated user is below it.</summary>
    public string UsersDN => Data.UsersDN;

    /// <summary><c>OU=Groups,DC=example,DC=test</c>.</summary>
    public string GroupsDN => Data.GroupsDN;

    /// <summary><c>Administrator@example.test</c>, the bind name (UPN) of the domain administrator.</summary>
    public string AdminBindName => $"Administrator@{Realm}";

    /// <summary>The Administrator's random password (the same for every server of this process: it comes from the template).</summary>
    public string AdminPassword { get; }

    /// <summary><c>CN=Reconciler Reader,CN=Users,DC=example,DC=test</c>, a plain domain user for read-only binds.</summary>
    public string ReaderDN => Data.ReaderDN;

    /// <summary>The reader's random password.</summary>
    public string ReaderPassword { get; }

    /// <summary>The random password every generated user has (so tests can bind as them; the disabled one cannot).</summary>
    public string UserPassword { get; }

    /// <summary>PEM of the CA that signed the server certificate (for <c>LDAPTLS_CACERT</c>).</summary>
    public string CaFile => certificates.CaFile;

    /// <summary>A folder holding only that CA, <c>openssl rehash</c>-ed.</summary>
    public string CaDirectory => certificates.CaDirectory;

    /// <summary>PEM of a second CA that signed nothing the server uses, for tests where TLS must fail.</summary>
    public string UntrustedCaFile => certificates.UntrustedCaFile;

    /// <summary>A mode-600 file holding <see cref="AdminPassword"/>, for <c>ldap* -y</c>.</summary>
    public string AdminPasswordFile => adminPasswordFile;

    /// <summary>A mode-600 file holding <see cref="ReaderPassword"/>, for <c>ldap* -y</c>.</summary>
    public string ReaderPasswordFile => readerPasswordFile;

    /// <summary>The temp folder with the domain (<c>dc/</c>), the certificates and the password files; deleted on dispose.</summary>
    public string Folder { get; }

    /// <summary>What was generated and added, with the objectGUIDs the server assigned.</summary>
    public GeneratedAdDirectory Data { get; }

    /// <summary>How long the start took, by phase.</summary>
    public SambaStartTimings Timings { get; private set; } = new(default, default, default, default, default);

    /// <summary>Whether Samba is currently running.</summary>
    public bool IsRunning => samba is { HasExited: false };

    /// <summary>The last lines Samba wrote to stdout/stderr.</summary>
    public string RecentLog => log.Text;

    /// <summary>
    /// Provisions the domain template (once per process), copies it into a new temp folder, waits for the LDAP ports,
    /// starts Samba, adds the generated data over LDAPS and reads the objectGUIDs back.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than <see cref="GeneratedAdDirectory.MinimumUsers"/> users, or a non-positive timeout.</exception>
    /// <exception cref="SambaStartException">A tool is missing, provisioning failed, the ports stayed taken, or Samba did not answer in time.</exception>
    /// <exception cref="ExternalToolException">Adding the generated data failed.</exception>
    public static async Task<SambaDcServer> StartAsync(SambaOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SambaOptions();
        if (options.Users < GeneratedAdDirectory.MinimumUsers)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.Users, $"SambaOptions.Users must be at least {GeneratedAdDirectory.MinimumUsers}.");
        }

        if (options.StartTimeout <= TimeSpan.Zero || options.PortLockTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SambaOptions timeouts must be positive.");
        }

        foreach (var tool in new[] { SambaPath, SambaToolPath, "ldapsearch", "ldapadd", "openssl", "cp" })
        {
            if (!SlapdServer.IsInstalled(tool))
            {
                throw new SambaStartException(
                    $"{tool} is not installed: run `make deps` (or `apt-get install -y samba ldap-utils openssl`).");
            }
        }

        var clock = Stopwatch.StartNew();
        var (provisioned, provisionTime) = await GetTemplateAsync(ct).ConfigureAwait(false);
        clock.Restart();

        var folder = Directory.CreateTempSubdirectory("reconciler-samba-").FullName;
        SambaDcServer? server = null;
        try
        {
            var certificatesTask = TestCertificates.CreateAsync(Path.Combine(folder, "certs"), ct);
            var copyTask = ExternalTool.RunAsync(
                "cp", ["-a", "--", provisioned.DcFolder, Path.Combine(folder, "dc")], cancellationToken: ct);
            var readerPassword = StrongPassword();
            var userPassword = StrongPassword();
            var (data, ldif) = GeneratedAdDirectory.Generate(options.Users, userPassword, readerPassword);
            await Task.WhenAll(certificatesTask, copyTask).ConfigureAwait(false);
            var copy = await copyTask.ConfigureAwait(false);
            if (!copy.Succeeded)
            {
                throw new SambaStartException($"Copying the provisioned template failed: {new ExternalToolException(copy).Message}");
            }

            server = new SambaDcServer(options, folder, await certificatesTask.ConfigureAwait(false),
                provisioned.AdminPassword, readerPassword, userPassword, data);
            Live.TryAdd(server, 0);
            server.WriteFiles(provisioned.DcFolder);
            var copyTime = clock.Elapsed;

            clock.Restart();
            await server.AcquirePortsAsync(ct).ConfigureAwait(false);
            var portWait = clock.Elapsed;

            clock.Restart();
            await server.LaunchAsync(ct).ConfigureAwait(false);
            var launch = clock.Elapsed;

            clock.Restart();
            await server.AddAsync(ldif, ct).ConfigureAwait(false);
            data.ApplyObjectGuids(await server.ReadObjectGuidsAsync(ct).ConfigureAwait(false));
            server.Timings = new SambaStartTimings(provisionTime, copyTime, portWait, launch, clock.Elapsed);
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
                SlapdServer.DeleteFolder(folder);
            }

            throw;
        }
    }

    /// <summary>Adds the entries in <paramref name="ldif"/> with ldapadd over LDAPS as the Administrator.</summary>
    /// <exception cref="ExternalToolException">ldapadd failed; the message has its stderr.</exception>
    public Task AddAsync(string ldif, CancellationToken ct = default) =>
        RunAsAdminAsync("ldapadd", [], ldif, ct);

    /// <summary>Applies <paramref name="ldif"/> (change records) with ldapmodify over LDAPS as the Administrator.</summary>
    /// <exception cref="ExternalToolException">ldapmodify failed; the message has its stderr.</exception>
    public Task ModifyAsync(string ldif, CancellationToken ct = default) =>
        RunAsAdminAsync("ldapmodify", [], ldif, ct);

    /// <summary>Deletes the entry <paramref name="dn"/> with ldapdelete over LDAPS as the Administrator.</summary>
    /// <exception cref="ExternalToolException">ldapdelete failed; the message has its stderr.</exception>
    public Task DeleteAsync(string dn, CancellationToken ct = default) =>
        RunAsAdminAsync("ldapdelete", [dn], null, ct);

    /// <summary>
    /// Searches with ldapsearch (LDAPS, paged by 1000) as the Administrator or the reader and parses the result.
    /// Binary values (objectGUID, objectSid) come back UTF-8-decoded and hence mangled; use <see cref="Data"/> for GUIDs.
    /// A missing base (noSuchObject) gives an empty list; continuation references are ignored.
    /// </summary>
    /// <param name="baseDn">The search base; <see langword="null"/> for <see cref="BaseDN"/>.</param>
    /// <param name="filter">The LDAP filter.</param>
    /// <param name="attributes">Attributes to return; <see langword="null"/> for all user attributes (<c>*</c>).</param>
    /// <param name="scope"><c>base</c>, <c>one</c> or <c>sub</c>.</param>
    /// <param name="asReader">Bind as <see cref="ReaderDN"/> instead of the Administrator.</param>
    /// <param name="ct">Kills ldapsearch when cancelled.</param>
    /// <exception cref="ExternalToolException">ldapsearch failed.</exception>
    public async Task<IReadOnlyList<LdifEntry>> SearchAsync(
        string? baseDn = null,
        string filter = "(objectClass=*)",
        IReadOnlyList<string>? attributes = null,
        string scope = "sub",
        bool asReader = false,
        CancellationToken ct = default)
    {
        var result = await RunSearchAsync(baseDn ?? BaseDN, filter, attributes ?? ["*"], scope, asReader, ct).ConfigureAwait(false);
        return result.ExitCode == 32 ? [] : Ldif.Parse(result.EnsureSuccess().StandardOutput);
    }

    /// <summary>Stops Samba, releases the LDAP ports and deletes <see cref="Folder"/>.</summary>
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
            ReleasePorts();
            SlapdServer.DeleteFolder(Folder);
            Live.TryRemove(this, out _);
        }
        finally
        {
            gate.Release();
        }
    }

    private static Dictionary<string, string?> TlsEnvironment(string caFile) => new()
    {
        ["LDAPTLS_CACERT"] = caFile,
        ["LDAPTLS_REQCERT"] = "demand",
        ["LDAPTLS_CACERTDIR"] = null,
    };

    private async Task RunAsAdminAsync(string tool, IReadOnlyList<string> arguments, string? input, CancellationToken ct)
    {
        List<string> all = ["-x", "-o", "nettimeout=10", "-H", LdapsUrl, "-D", AdminBindName, "-y", adminPasswordFile, .. arguments];
        (await ExternalTool.RunAsync(tool, all, input, TlsEnvironment(CaFile), ct).ConfigureAwait(false)).EnsureSuccess();
    }

    private Task<ToolResult> RunSearchAsync(
        string baseDn, string filter, IReadOnlyList<string> attributes, string scope, bool asReader, CancellationToken ct)
    {
        List<string> arguments =
        [
            "-x", "-LLL", "-o", "ldif-wrap=no", "-o", "nettimeout=10", "-H", LdapsUrl,
            "-D", asReader ? ReaderDN : AdminBindName, "-y", asReader ? readerPasswordFile : adminPasswordFile,
            "-E", "pr=1000/noprompt", "-b", baseDn, "-s", scope, filter, .. attributes,
        ];
        return ExternalTool.RunAsync("ldapsearch", arguments, environment: TlsEnvironment(CaFile), cancellationToken: ct);
    }

    /// <summary>sAMAccountName → objectGUID of every user and group in the domain (parsed from the raw base64 values).</summary>
    private async Task<Dictionary<string, Guid>> ReadObjectGuidsAsync(CancellationToken ct)
    {
        var result = (await RunSearchAsync(
            BaseDN, "(|(objectClass=user)(objectClass=group))", ["sAMAccountName", "objectGUID"], "sub", false, ct)
            .ConfigureAwait(false)).EnsureSuccess();
        var guids = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        string? sam = null;
        Guid? guid = null;
        void Flush()
        {
            if (sam is not null && guid is { } value)
            {
                guids[sam] = value;
            }

            (sam, guid) = (null, null);
        }

        foreach (var raw in result.StandardOutput.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                Flush();
            }
            else if (line.StartsWith("sAMAccountName: ", StringComparison.OrdinalIgnoreCase))
            {
                sam = line["sAMAccountName: ".Length..];
            }
            else if (line.StartsWith("sAMAccountName:: ", StringComparison.OrdinalIgnoreCase))
            {
                sam = Encoding.UTF8.GetString(Convert.FromBase64String(line["sAMAccountName:: ".Length..]));
            }
            else if (line.StartsWith("objectGUID:: ", StringComparison.OrdinalIgnoreCase))
            {
                // AD stores objectGUID in the byte order of Guid(byte[]) (first three fields little-endian).
                guid = new Guid(Convert.FromBase64String(line["objectGUID:: ".Length..]));
            }
        }

        Flush();
        return guids;
    }

    private void WriteFiles(string templateDcFolder)
    {
        SlapdServer.WriteSecret(adminPasswordFile, AdminPassword);
        SlapdServer.WriteSecret(readerPasswordFile, ReaderPassword);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(certificates.ServerKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Provisioning wrote absolute template paths into smb.conf (only there: sam.ldb names its partitions relatively).
        var config = File.ReadAllText(configFile).Replace(templateDcFolder, dcFolder, StringComparison.Ordinal);
        var global = config.IndexOf("[global]", StringComparison.OrdinalIgnoreCase);
        if (global < 0)
        {
            throw new SambaStartException($"The provisioned {configFile} has no [global] section:\n{config}");
        }

        var insert = global + "[global]".Length;
        var extra = new StringBuilder("\n");
        extra.Append("\t# added by Reconciler.Testing.Directories: a certificate for 127.0.0.1, no fsync (test data)\n");
        extra.Append("\ttls enabled = yes\n");
        extra.Append($"\ttls certfile = {certificates.ServerCertificateFile}\n");
        extra.Append($"\ttls keyfile = {certificates.ServerKeyFile}\n");
        extra.Append($"\ttls cafile = {certificates.CaFile}\n");
        extra.Append("\tldb:nosync = true\n");
        config = config[..insert] + extra.ToString().TrimEnd('\n') + config[insert..];
        SlapdServer.WriteSecret(configFile, config);
    }

    /// <summary>Takes the process-wide semaphore, then the cross-process lock file, then waits until 389/636 are free.</summary>
    private async Task AcquirePortsAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        TimeSpan Left() => options.PortLockTimeout - deadline.Elapsed;
        if (!await PortGate.WaitAsync(Left() > TimeSpan.Zero ? Left() : TimeSpan.Zero, ct).ConfigureAwait(false))
        {
            throw new SambaStartException(
                $"Another SambaDcServer of this process kept ports {LdapPort}/{LdapsPort} for more than " +
                $"{options.PortLockTimeout.TotalSeconds:0} s (SambaOptions.PortLockTimeout).");
        }

        holdsPortGate = true;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock: released by the kernel if this process dies.
                portLock = new FileStream(PortLockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                break;
            }
            catch (IOException) when (Left() > TimeSpan.Zero)
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new SambaStartException(
                    $"Another process held {PortLockFile} (a SambaDcServer on ports {LdapPort}/{LdapsPort}) for more than " +
                    $"{options.PortLockTimeout.TotalSeconds:0} s.", e);
            }
        }

        // A server of a test process that was just killed may still be dying; anything else on the ports is a foreign program.
        var portsFree = Stopwatch.StartNew();
        while (await ServerProcess.CanConnectAsync(LdapsPort, ct).ConfigureAwait(false) || await ServerProcess.CanConnectAsync(LdapPort, ct).ConfigureAwait(false))
        {
            if (portsFree.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new SambaStartException(
                    $"Something that is not a SambaDcServer listens on 127.0.0.1:{LdapPort} or :{LdapsPort}; Samba's LDAP " +
                    "ports cannot be changed, so stop it (for example a system slapd or samba service).");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    private void ReleasePorts()
    {
        portLock?.Dispose();
        portLock = null;
        if (holdsPortGate)
        {
            holdsPortGate = false;
            PortGate.Release();
        }
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        string[] arguments = ["-i", "-M", "single", "--debuglevel=1", "-s", configFile];
        var commandLine = ExternalTool.FormatCommandLine(SambaPath, arguments);
        // stdin stays open: `samba -i` terminates itself at EOF on stdin, i.e. also when this process dies (the watchdog
        // is the SIGKILL-proof backstop).
        var process = ServerProcess.Launch(SambaPath, arguments, log, closeInput: false, (message, e) => new SambaStartException(message, e));
        samba = process;
        watchdog = ServerProcess.StartWatchdog("samba", process.Id, Folder, "reconciler-samba-");

        string? reason;
        try
        {
            reason = await ServerProcess.WaitUntilAnswersAsync(process, options.StartTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100),
                AnswersAsync, "an LDAPS root DSE search", ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopCoreAsync().ConfigureAwait(false);
            throw;
        }
        if (reason is null) return;
        await StopCoreAsync().ConfigureAwait(false);
        throw new SambaStartException(
            $"Samba did not start ({reason}).\nCommand: {commandLine}\nFolder: {Folder}\n" +
            $"samba output tail:\n{log.Text}\nlog file tail:\n{LogFileTail()}");
    }

    private string LogFileTail()
    {
        var logFolder = Path.Combine(dcFolder, "log");
        try
        {
            var text = string.Join("\n", Directory.Exists(logFolder)
                ? Directory.GetFiles(logFolder).Order(StringComparer.Ordinal).Select(File.ReadAllText)
                : []);
            return text.Length == 0 ? "(no log file)" : SlapdServer.Tail(text);
        }
        catch (IOException e)
        {
            return $"(cannot read {logFolder}: {e.Message})";
        }
    }

    private async Task<bool> AnswersAsync(CancellationToken probe)
    {
        if (!await ServerProcess.CanConnectAsync(LdapsPort, probe).ConfigureAwait(false))
        {
            return false;
        }

        var result = await ExternalTool.RunAsync(
            "ldapsearch",
            ["-x", "-LLL", "-o", "nettimeout=2", "-H", LdapsUrl, "-D", AdminBindName, "-y", adminPasswordFile,
             "-b", "", "-s", "base", "defaultNamingContext"],
            environment: TlsEnvironment(CaFile), cancellationToken: probe).ConfigureAwait(false);
        return result.Succeeded && result.StandardOutput.Contains(BaseDN, StringComparison.OrdinalIgnoreCase);
    }

    private async Task StopCoreAsync()
    {
        if (watchdog is { } guard)
        {
            watchdog = null;
            SlapdServer.KillQuietly(guard);
            await guard.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            guard.Dispose();
        }

        if (samba is { } process)
        {
            samba = null;
            if (!process.HasExited)
            {
                await ExternalTool.RunAsync(
                    "/bin/sh", ["-c", "kill -TERM \"$1\" 2>/dev/null", "samba-stop", process.Id.ToString(CultureInfo.InvariantCulture)])
                    .ConfigureAwait(false);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    SlapdServer.KillQuietly(process);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            process.Dispose();
        }
    }

    /// <summary>The provisioned template of this process, provisioning it on first use (not cached when it fails).</summary>
    private static async Task<(Template Template, TimeSpan ProvisionTime)> GetTemplateAsync(CancellationToken ct)
    {
        await TemplateGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (template is { } existing)
            {
                return (existing, TimeSpan.Zero);
            }

            var clock = Stopwatch.StartNew();
            var created = await ProvisionAsync(ct).ConfigureAwait(false);
            template = created;
            return (created, clock.Elapsed);
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    private static async Task<Template> ProvisionAsync(CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory(TemplatePrefix).FullName;
        var watch = ServerProcess.StartWatchdog("samba-template", null, folder, "reconciler-samba-template-");
        try
        {
            var dc = Path.Combine(folder, "dc");
            var password = StrongPassword();
            string D(string name) => Path.Combine(dc, name);
            List<string> arguments =
            [
                "domain", "provision", "--use-rfc2307", $"--realm={GeneratedAdDirectory.Realm.ToUpperInvariant()}",
                $"--domain={NetBiosDomain}", "--server-role=dc", "--dns-backend=NONE", $"--adminpass={password}",
                $"--targetdir={dc}", "--host-name=DC1",
            ];
            foreach (var option in new[]
            {
                "interfaces=lo", "bind interfaces only=yes", "disable netbios=yes", "server services=ldap",
                $"pid directory={D("run")}", $"lock directory={D("lock")}", $"state directory={D("state")}",
                $"cache directory={D("cache")}", $"private dir={D("private")}", $"log file={D("log/samba.log")}",
                $"winbindd socket directory={D("winbindd")}", $"ntp signd socket directory={D("ntp_signd")}",
            })
            {
                arguments.Add("--option=" + option);
            }

            var result = await ExternalTool.RunAsync(SambaToolPath, arguments, cancellationToken: ct).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new SambaStartException(
                    $"{result.CommandLine.Replace(password, "***", StringComparison.Ordinal)} exited with {result.ExitCode}:\n" +
                    SlapdServer.Tail(result.StandardError + "\n" + result.StandardOutput));
            }

            var created = new Template(folder, dc, password, watch);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => created.Delete();
            return created;
        }
        catch
        {
            if (watch is not null)
            {
                SlapdServer.KillQuietly(watch);
                watch.Dispose();
            }

            SlapdServer.DeleteFolder(folder);
            throw;
        }
    }

    private static void KillAll()
    {
        foreach (var server in Live.Keys)
        {
            if (server.watchdog is { } guard)
            {
                SlapdServer.KillQuietly(guard);
            }

            if (server.samba is { } process)
            {
                SlapdServer.KillQuietly(process);
                try
                {
                    process.WaitForExit(2000);
                }
                catch (InvalidOperationException)
                {
                }
            }

            SlapdServer.DeleteFolder(server.Folder);
            server.portLock?.Dispose();
        }
    }

    /// <summary>A random password that meets AD's default complexity rules (upper, lower, digit, symbol).</summary>
    private static string StrongPassword() => SlapdServer.RandomPassword() + "-Aa7";

    private sealed record Template(string Folder, string DcFolder, string AdminPassword, Process? Watchdog)
    {
        public void Delete()
        {
            // Folder first: should the process be killed in the middle, the watchdog still removes it at EOF.
            SlapdServer.DeleteFolder(Folder);
            if (Watchdog is not null)
            {
                SlapdServer.KillQuietly(Watchdog);
            }
        }
    }
}
