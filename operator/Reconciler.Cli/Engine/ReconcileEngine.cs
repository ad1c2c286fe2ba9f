using System.Text.Json;
using System.Text.Json.Nodes;
using Reconciler.Cli.Output;
using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Store.Contract;

namespace Reconciler.Cli.Engine;

/// <summary>What one pass read and decided.</summary>
public sealed record PassResult(
    DesiredState Desired,
    IReadOnlyDictionary<string, DirectorySnapshot> Snapshots,
    IReadOnlyList<ProvisionedUser> Registry,
    Plan Plan,
    DateTimeOffset Now)
{
    public IEnumerable<DirectorySnapshot> Failed => Snapshots.Values.Where(s => s.Failed);
}

public sealed record ApplyOutcome(ApplyResult Result, IReadOnlyList<ProvisionedUser> RegistryAfter);

/// <summary>
/// One reconcile, impure → pure → impure: read the directories and the registry, plan, then write the snapshots,
/// the plan (one transaction) and every resource's status.
/// </summary>
public sealed class ReconcileEngine(DirectoryImporter importer, TimeProvider clock)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<PassResult> PlanAsync(
        DesiredState desired, IReconcilerStore? store, bool allowDeletions, bool showProgress, CancellationToken cancellationToken)
    {
        var snapshots = await importer.ImportAsync(desired, desired.Sources, showProgress, cancellationToken);
        IReadOnlyList<ProvisionedUser> registry = store is null ? [] : await store.LoadRegistryAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var plan = ProvisioningPlanner.Plan(desired, snapshots, registry, new PlanOptions(now, allowDeletions));
        return new PassResult(desired, snapshots, registry, plan, now);
    }

    public async Task<ApplyOutcome> ApplyAsync(PassResult pass, IReconcilerStore store, CancellationToken cancellationToken)
    {
        foreach (var snapshot in pass.Snapshots.Values.Where(s => !s.Failed))
        {
            await store.SaveSnapshotAsync(snapshot, cancellationToken);
        }
        var result = await store.ApplyAsync(pass.Plan, new ApplyContext(pass.Desired.Revision, pass.Now), cancellationToken);
        var after = RegistryOverlay.Apply(pass.Registry, pass.Plan);
        await RecordStatusAsync(pass, store, after, cancellationToken);
        return new ApplyOutcome(result, after);
    }

    /// <summary>Every resource's status after an apply; statuses that say nothing new are not rewritten.</summary>
    private async Task RecordStatusAsync(
        PassResult pass, IReconcilerStore store, IReadOnlyList<ProvisionedUser> registryAfter, CancellationToken cancellationToken)
    {
        var stored = (await store.LoadStatusAsync(cancellationToken)).ToDictionary(s => (s.Kind, s.Name));
        var (desired, generations) = SpecGenerations.Assign(pass.Desired,
            (kind, name) => stored.TryGetValue((kind, name), out var s) ? new SpecGeneration(s.SpecHash, s.Generation) : null);
        IReadOnlyList<Condition>? Previous(string kind, string name) =>
            stored.TryGetValue((kind, name), out var s) ? ConditionsOf(s.StatusJson) : null;
        var reports = StatusBuilder.Build(desired, pass.Snapshots, pass.Plan, registryAfter, pass.Now, Previous)
            .Append(ConfigurationReport.Valid(desired.Location, desired, pass.Now, Previous(ConfigurationReport.Kind, desired.Location)))
            .ToList();
        var records = reports.Select(r => Record(r, stored.GetValueOrDefault((r.Kind, r.Name)), pass.Now,
            generations.GetValueOrDefault((r.Kind, r.Name)) ?? new SpecGeneration(desired.Revision, 0))).ToList();
        await store.SaveStatusAsync(records, cancellationToken);
    }

    /// <summary>
    /// Records that the configuration at <paramref name="location"/> is invalid, leaving every resource's status as
    /// the last valid revision left it (`run` keeps reconciling nothing until the configuration is fixed).
    /// </summary>
    public async Task RecordInvalidConfigurationAsync(
        IReconcilerStore store, string location, IReadOnlyList<string> errors, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await store.LoadStatusAsync(cancellationToken);
        var previous = stored.FirstOrDefault(s => s.Kind == ConfigurationReport.Kind && s.Name == location);
        var lastRevision = previous is null ? null : JsonNode.Parse(previous.StatusJson)?["revision"]?.GetValue<string>();
        var report = ConfigurationReport.Invalid(location, lastRevision, errors, now,
            previous is null ? null : ConditionsOf(previous.StatusJson));
        var record = Record(report, previous, now, new SpecGeneration(previous?.SpecHash ?? "", 0));
        await store.SaveStatusAsync(stored.Where(s => s != previous).Append(record).ToList(), cancellationToken);
    }

    /// <summary>The row to store for a report: the stored one itself when nothing of substance changed, so nothing is written.</summary>
    private static StoredStatus Record(ResourceReport report, StoredStatus? stored, DateTimeOffset now, SpecGeneration spec)
    {
        var json = JsonSerializer.Serialize(report.Status, report.Status.GetType(), CliJson.Options);
        var unchanged = stored is not null && stored.Summary == report.Summary && SameSubstance(stored.StatusJson, json)
            && stored.SpecHash == spec.SpecHash && stored.Generation == spec.Generation;
        return unchanged ? stored! : new StoredStatus(report.Kind, report.Name, json, report.Summary, now, spec.SpecHash, spec.Generation);
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

    public static IReadOnlyList<Condition>? ConditionsOf(string statusJson)
    {
        try
        {
            using var document = JsonDocument.Parse(statusJson);
            return document.RootElement.TryGetProperty("conditions", out var conditions)
                ? conditions.Deserialize<List<Condition>>(CliJson.Options)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
