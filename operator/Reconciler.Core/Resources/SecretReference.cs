using System.ComponentModel;

namespace Reconciler.Core.Resources;

/// <summary>
/// Where a credential is read from. Secrets are never written inline in a resource:
/// exactly one of env, file or secretRef is set.
/// </summary>
[Description("A credential by reference: exactly one of env, file or secretRef. Plaintext values are rejected.")]
public sealed record SecretReference
{
    [Description("Name of an environment variable holding the secret.")]
    public string? Env { get; init; }

    [Description("Path of a file holding the secret, relative to the resource's file.")]
    public string? File { get; init; }

    [Description("A key of a Kubernetes Secret in the resource's namespace.")]
    public SecretKeyRef? SecretRef { get; init; }
}

public sealed record SecretKeyRef
{
    [System.ComponentModel.DataAnnotations.Required]
    [Description("Name of the Secret.")]
    public string Name { get; init; } = "";

    [System.ComponentModel.DataAnnotations.Required]
    [Description("Key within the Secret.")]
    public string Key { get; init; } = "";
}
