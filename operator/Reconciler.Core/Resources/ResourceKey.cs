namespace Reconciler.Core.Resources;

/// <summary>
/// Identifies one resource: kind, namespace and name, as the API server does. Resources from a folder or git
/// without <c>metadata.namespace</c> live in <see cref="DefaultNamespace"/>, as <c>kubectl apply</c> would put them.
/// References between resources (a mapping's sourceRef, quotaPolicyRef) resolve within one namespace.
/// </summary>
public readonly record struct ResourceKey(string Kind, string Namespace, string Name)
{
    public const string DefaultNamespace = "default";

    public static ResourceKey Of(Resource resource) => new(resource.Kind, resource.Namespace, resource.Name);

    /// <summary>
    /// The name qualified by its namespace, with the default namespace left out: <c>hr-export</c>,
    /// <c>team-a/corp</c>. Names and namespaces never contain '/', so the two forms cannot be confused.
    /// </summary>
    public string QualifiedName => Qualify(Namespace, Name);

    /// <summary>The key of another kind's resource with this name in the same namespace, for references.</summary>
    public ResourceKey Sibling(string kind, string name) => new(kind, Namespace, name);

    public static string Qualify(string? @namespace, string name) =>
        string.IsNullOrEmpty(@namespace) || @namespace == DefaultNamespace ? name : @namespace + "/" + name;

    public override string ToString() => $"{Kind}/{QualifiedName}";
}
