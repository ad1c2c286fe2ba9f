namespace Reconciler.Testing.Directories;

/// <summary>
/// A throw-away PKI made with the openssl command line: a CA, a server certificate it signed (SAN IP:127.0.0.1 and
/// DNS:localhost), a rehashed folder holding the CA, and a second, unrelated CA. All keys are EC P-256
/// (the whole set takes well under 100 ms, so nothing is cached).
/// </summary>
internal sealed record TestCertificates(
    string CaFile, string CaDirectory, string ServerCertificateFile, string ServerKeyFile, string UntrustedCaFile)
{
    private const string OpenSsl = "openssl";

    private const string Config = """
        [req]
        distinguished_name = dn
        prompt = no

        [dn]
        CN = placeholder

        [ca_ext]
        basicConstraints = critical, CA:TRUE
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash

        [server_ext]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        subjectAltName = IP:127.0.0.1, DNS:localhost
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid

        """;

    public static async Task<TestCertificates> CreateAsync(string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "openssl.cnf");
        await File.WriteAllTextAsync(config, Config, cancellationToken).ConfigureAwait(false);

        string F(string name) => Path.Combine(folder, name);
        var certificates = new TestCertificates(
            F("ca.pem"), F("cadir"), F("server.pem"), F("server.key"), F("untrusted-ca.pem"));

        var trusted = SelfSignedCaAsync(config, F("ca.key"), certificates.CaFile, "Reconciler Test CA", cancellationToken);
        var untrusted = SelfSignedCaAsync(config, F("untrusted-ca.key"), certificates.UntrustedCaFile, "Reconciler Untrusted Test CA", cancellationToken);
        var request = RunAsync(
            ["req", "-new", "-config", config, .. EcKey, "-nodes", "-keyout", certificates.ServerKeyFile,
             "-out", F("server.csr"), "-subj", "/CN=localhost"],
            cancellationToken);
        await Task.WhenAll(trusted, untrusted, request).ConfigureAwait(false);

        var serial = "0x" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        await RunAsync(
            ["x509", "-req", "-in", F("server.csr"), "-CA", certificates.CaFile, "-CAkey", F("ca.key"),
             "-set_serial", serial, "-days", "3650", "-out", certificates.ServerCertificateFile,
             "-extfile", config, "-extensions", "server_ext"],
            cancellationToken).ConfigureAwait(false);

        Directory.CreateDirectory(certificates.CaDirectory);
        File.Copy(certificates.CaFile, Path.Combine(certificates.CaDirectory, "ca.pem"));
        await RunAsync(["rehash", certificates.CaDirectory], cancellationToken).ConfigureAwait(false);
        return certificates;
    }

    private static readonly string[] EcKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];

    private static Task SelfSignedCaAsync(string config, string keyFile, string certificateFile, string name, CancellationToken cancellationToken) =>
        RunAsync(
            ["req", "-x509", "-config", config, "-extensions", "ca_ext", .. EcKey, "-nodes",
             "-keyout", keyFile, "-out", certificateFile, "-days", "3650", "-subj", "/CN=" + name],
            cancellationToken);

    private static async Task RunAsync(string[] arguments, CancellationToken cancellationToken) =>
        (await ExternalTool.RunAsync(OpenSsl, arguments, cancellationToken: cancellationToken).ConfigureAwait(false)).EnsureSuccess();
}
