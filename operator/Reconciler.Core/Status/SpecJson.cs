using System.Text.Json;

namespace Reconciler.Core.Status;

/// <summary>
/// The JSON a resource's spec is fingerprinted by (its generation's hash, a plan's fingerprint). One options instance
/// for both: System.Text.Json builds a type's metadata once per options instance, by reflection, and that was a
/// measurable part of every command's start.
/// </summary>
public static class SpecJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The spec as JSON, by its runtime type.</summary>
    public static string Serialize(object spec) => JsonSerializer.Serialize(spec, spec.GetType(), Options);
}
