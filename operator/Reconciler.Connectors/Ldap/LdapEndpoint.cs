using System.Security.Cryptography;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Ldap;

/// <summary>Where and how to reach a directory: parsed from <c>spec.ldap</c>, checked before anything connects.</summary>
public sealed record LdapEndpoint(string Url, string Host, int Port, bool Ldaps, bool StartTls, string? CaDirectory)
{
    public const int DefaultPort = 389;
    public const int DefaultLdapsPort = 636;

    /// <summary>The endpoint, or a stalling error naming the field: a URL or CA that is wrong stays wrong until the spec changes.</summary>
    public static LdapEndpoint Parse(DirectorySource source, string baseDirectory)
    {
        var settings = source.Spec.Ldap ?? throw Stalling(source, "spec.ldap is not set");
        if (settings.Problems().Select(p => $"spec.ldap.{p.Field}: {p.Message}").FirstOrDefault() is { } problem) throw Stalling(source, problem);
        var uri = settings.ParseUrl()!;
        var ldaps = uri.Scheme == "ldaps";
        var port = uri.IsDefaultPort || uri.Port < 0 ? (ldaps ? DefaultLdapsPort : DefaultPort) : uri.Port;
        var shown = $"{uri.Scheme}://{uri.Host}:{port}";
        return new LdapEndpoint(shown, uri.IdnHost.Trim('[', ']'), port, ldaps, settings.StartTLS, TrustFolder(source, settings, baseDirectory));
    }

    /// <summary>
    /// The folder libldap is told to trust: caFile's folder as given, or, for a PEM file, a private folder holding a
    /// copy of it (libldap takes CA folders only; GnuTLS reads every certificate file in one).
    /// </summary>
    private static string? TrustFolder(DirectorySource source, LdapSettings settings, string baseDirectory)
    {
        if (string.IsNullOrWhiteSpace(settings.CaFile)) return null;
        var path = Path.GetFullPath(Path.Combine(baseDirectory, settings.CaFile));
        var shown = SafeText.Show(path, 1024);
        if (Directory.Exists(path)) return path;
        if (!File.Exists(path)) throw Stalling(source, $"spec.ldap.caFile {shown} does not exist");
        byte[] pem;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > 1024 * 1024) throw Stalling(source, $"spec.ldap.caFile {shown} is larger than 1 MiB: not a CA certificate file");
            pem = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Stalling(source, $"cannot read spec.ldap.caFile {shown}: {e.Message}");
        }
        if (!System.Text.Encoding.ASCII.GetString(pem).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw Stalling(source, $"spec.ldap.caFile {shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        // One folder per distinct CA content, so sources with different CAs never share a trust list.
        var folder = Path.Combine(Path.GetTempPath(), "reconciler-ca-" + Convert.ToHexStringLower(SHA256.HashData(pem))[..16]);
        var file = Path.Combine(folder, "ca.pem");
        try
        {
            if (!File.Exists(file) || !File.ReadAllBytes(file).AsSpan().SequenceEqual(pem))
            {
                Directory.CreateDirectory(folder);
                var temp = Path.Combine(folder, $".ca-{Environment.ProcessId}.tmp");
                File.WriteAllBytes(temp, pem);
                File.Move(temp, file, overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DirectoryReadException(ErrorClass.Transient, $"cannot prepare the CA of spec.ldap.caFile {shown} in {folder}: {e.Message}");
        }
        return folder;
    }

    private static DirectoryReadException Stalling(DirectorySource source, string message) =>
        new(ErrorClass.Stalling, $"DirectorySource {SafeText.Show(source.Name)}: {message}");
}
