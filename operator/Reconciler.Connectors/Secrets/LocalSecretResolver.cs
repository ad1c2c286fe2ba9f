using System.Security.Cryptography;
using System.Text;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;

namespace Reconciler.Connectors.Secrets;

/// <summary>
/// Resolves <c>{env: NAME}</c> and <c>{file: PATH}</c> references for `reconciler run/plan/apply` outside a cluster.
/// A <c>{secretRef: ...}</c> can only be read by the operator, which has the Kubernetes API; here it stalls with a
/// message that says so. File secrets have their trailing line break removed (as `echo secret > file` leaves one).
/// </summary>
public sealed class LocalSecretResolver(Func<string, string?>? environment = null) : ISecretResolver
{
    private const int MaxSecretBytes = 64 * 1024;
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    public async ValueTask<string> ResolveAsync(SecretReference reference, SecretScope scope, CancellationToken cancellationToken) =>
        await ReadAsync(reference, scope, cancellationToken) ?? throw Unreadable(reference, scope);

    public async ValueTask<string?> FingerprintAsync(SecretReference reference, SecretScope scope, CancellationToken cancellationToken)
    {
        var value = await ReadAsync(reference, scope, cancellationToken, throwOnProblem: false);
        return value is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];
    }

    private async ValueTask<string?> ReadAsync(SecretReference reference, SecretScope scope, CancellationToken cancellationToken,
        bool throwOnProblem = true)
    {
        if (reference.Env is { } name)
        {
            var value = _environment(name);
            if (!string.IsNullOrEmpty(value)) return value;
            return throwOnProblem ? throw Stall(scope, $"environment variable {name} is not set") : null;
        }
        if (reference.File is { } file)
        {
            var path = Path.GetFullPath(Path.Combine(scope.BaseDirectory, file));
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists) return throwOnProblem ? throw Stall(scope, $"secret file {path} does not exist") : null;
                if (info.Length > MaxSecretBytes) return throwOnProblem ? throw Stall(scope, $"secret file {path} is larger than 64 KiB") : null;
                var text = (await File.ReadAllTextAsync(path, cancellationToken)).TrimEnd('\r', '\n');
                if (text.Length > 0) return text;
                return throwOnProblem ? throw Stall(scope, $"secret file {path} is empty") : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return throwOnProblem ? throw Stall(scope, $"cannot read secret file {path}: {e.Message}") : null;
            }
        }
        if (reference.SecretRef is { } secret)
        {
            return throwOnProblem
                ? throw Stall(scope, $"Kubernetes Secret {ResourceKey.Qualify(scope.Owner.Namespace, secret.Name)} (key {secret.Key}) " +
                    "can only be read by 'reconciler operator'; use {env: NAME} or {file: PATH} here")
                : null;
        }
        return throwOnProblem ? throw Stall(scope, "the reference names no env, file or secretRef") : null;
    }

    private static DirectoryReadException Unreadable(SecretReference reference, SecretScope scope) =>
        Stall(scope, "the secret could not be read");

    private static DirectoryReadException Stall(SecretScope scope, string why) =>
        new(ErrorClass.Stalling, $"{scope.Owner}: {scope.Field}: {why}");
}
