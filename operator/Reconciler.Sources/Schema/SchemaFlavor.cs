namespace Reconciler.Sources.Schema;

/// <summary>Which consumer a generated schema is for.</summary>
public enum SchemaFlavor
{
    /// <summary>JSON Schema draft 2020-12 for validating YAML files: unknown fields are errors, null is allowed where the C# type is nullable.</summary>
    Validation,

    /// <summary>A structural Kubernetes openAPIV3Schema for a CustomResourceDefinition.</summary>
    Crd,
}
