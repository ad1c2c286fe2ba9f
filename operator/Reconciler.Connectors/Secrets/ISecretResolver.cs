using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Secrets;

/// <summary>
/// Reads credentials that resources name by reference. One resolver is handed to every connector, so env, file and
/// Kubernetes Secret references behave the same for every directory type.
/// </summary>
public interface ISecretResolver
{
    /// <summary>
    /// The secret's value. Throws <see cref="DirectoryReadException"/> of class Stalling when it cannot be read (the
    /// variable is unset, the file is missing, the Secret has no such key): retrying cannot help until it is fixed.
    /// The message names the reference and the field, never the value.
    /// </summary>
    ValueTask<string> ResolveAsync(SecretReference reference, SecretScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// A fingerprint of the secret's current value (a hash, never the value), so the engine can tell that a stalled
    /// resource's credential changed and try again. Null when it cannot be read.
    /// </summary>
    ValueTask<string?> FingerprintAsync(SecretReference reference, SecretScope scope, CancellationToken cancellationToken);
}

/// <param name="Owner">The resource whose field holds the reference: Secrets resolve in its namespace.</param>
/// <param name="Field">The field path, e.g. <c>spec.ldap.bindPassword</c>, for messages.</param>
/// <param name="BaseDirectory">Folder that relative <c>file:</c> references resolve against.</param>
public sealed record SecretScope(ResourceKey Owner, string Field, string BaseDirectory);
