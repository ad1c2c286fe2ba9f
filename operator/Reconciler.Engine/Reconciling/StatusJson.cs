using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>How statuses are kept in the store: the kind's status type as JSON (camelCase, enums by name).</summary>
public static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The store's key of a resource's status.</summary>
    public static StatusKey KeyOf(ResourceKey key) => new(key.Kind, key.Namespace, key.Name);

    public static string Serialize(ResourceStatus status) => JsonSerializer.Serialize(status, status.GetType(), Options);

    /// <summary>The row to store for a report: the stored one itself when nothing of substance changed, so nothing is written.</summary>
    public static StoredStatus Record(ResourceReport report, StoredStatus? stored, DateTimeOffset now, SpecGeneration spec)
    {
        var json = Serialize(report.Status);
        var unchanged = stored is not null && stored.Summary == report.Summary && SameSubstance(stored.StatusJson, json)
            && stored.SpecHash == spec.SpecHash && stored.Generation == spec.Generation;
        return unchanged
            ? stored!
            : new StoredStatus(new StatusKey(report.Key.Kind, report.Key.Namespace, report.Key.Name), json, report.Summary, now, spec.SpecHash, spec.Generation);
    }

    public static IReadOnlyList<Condition>? ConditionsOf(string statusJson)
    {
        try
        {
            using var document = JsonDocument.Parse(statusJson);
            return document.RootElement.TryGetProperty("conditions", out var conditions)
                ? conditions.Deserialize<List<Condition>>(Options)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether two statuses say the same thing apart from when the source was last read. A pass that changes
    /// nothing then writes nothing: live sync times are in /metrics and the run log.
    /// </summary>
    private static bool SameSubstance(string storedJson, string newJson)
    {
        static JsonNode? Strip(string json)
        {
            var node = JsonNode.Parse(json);
            if (node is JsonObject o)
            {
                o.Remove("lastSyncTime");
                o.Remove("lastSyncDuration");
            }
            return node;
        }
        try
        {
            return JsonNode.DeepEquals(Strip(storedJson), Strip(newJson));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
