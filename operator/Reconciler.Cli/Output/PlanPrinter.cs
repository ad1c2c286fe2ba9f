using System.Text.Json;
using Reconciler.Core.Planning;
using Reconciler.Core.Text;
using Reconciler.Engine.Reconciling;
using Spectre.Console;

namespace Reconciler.Cli.Output;

/// <summary>Shows a plan as a table a person scans, or as the JSON document scripts read (streamed as it is made).</summary>
public static class PlanPrinter
{
    /// <summary>Changes shown in a table; the rest are counted.</summary>
    public const int MaxRows = 200;

    /// <summary>
    /// Names every problem of every read (each skipped row with its line). Returns false when a source could not be
    /// read at all: there is no trustworthy plan to show then.
    /// </summary>
    public static bool ReadProblems(IEnumerable<SourceRead> reads)
    {
        var complete = true;
        foreach (var read in reads.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            foreach (var problem in read.Problems)
            {
                if (read.IsFailed) Terminal.Error($"source {read.Name}: {problem}");
                else Terminal.Warn($"source {read.Name}: {problem}");
            }
            complete &= !read.IsFailed;
        }
        return complete;
    }

    public static void Table(PlanOutcome plan, IReadOnlyList<PlanAction> first, int total)
    {
        foreach (var problem in plan.Problems) Terminal.Warn(problem.Message);
        foreach (var block in plan.Blocked) Terminal.Warn(block.Message);
        if (first.Count > 0)
        {
            var table = new Table().AddColumns("Action", "Source", "User", "Mapping", "Why / what changes");
            foreach (var change in first)
            {
                var details = change switch
                {
                    Update u => change.Reason + ": " + string.Join("; ", u.Fields.Select(f => f.ToString())),
                    Restore r => change.Reason + ": " + string.Join("; ", r.Fields.Select(f => f.ToString())),
                    _ => change.Reason,
                };
                table.AddRow(Terminal.Cell(change.Verb), Terminal.Cell(change.Source), Terminal.Cell(UserLabel(change.After.Email, change.ExternalId)),
                    Terminal.Cell(change.After.Mapping), Terminal.Cell(details));
            }
            Terminal.Render(table);
            if (total > first.Count) Terminal.Line($"... and {total - first.Count:N0} more changes (use --output json to see all)");
        }
        foreach (var conflict in plan.Conflicts.Take(MaxRows))
        {
            Terminal.Line($"conflict: {conflict.Source}/{SafeText.Show(conflict.ExternalId)} (mapping {conflict.Mapping}): {SafeText.Show(conflict.Reason, 300)}");
        }
        if (plan.Conflicts.Count > MaxRows) Terminal.Line($"... and {plan.Conflicts.Count - MaxRows:N0} more conflicts");
        Terminal.Line(plan.IsEmpty && plan.Blocked.Count == 0 ? $"No changes. ({plan.Summary})" : $"Plan: {plan.Summary}.");
    }

    private static string UserLabel(string email, string id) => SafeText.Show(email.Length > 0 ? email : id);
}

/// <summary>
/// `plan --output json`, written as the plan is made: the revision, every change as it is decided, then conflicts,
/// held-back removals, problems, per-mapping tallies and the summary counts. A million changes never sit in memory.
/// </summary>
public sealed class PlanJsonWriter : IPlanSink, IDisposable
{
    private readonly Utf8JsonWriter _json;
    private readonly Stream _out;

    public PlanJsonWriter(string revision, Stream? output = null)
    {
        _out = output ?? Console.OpenStandardOutput();
        _json = CliJson.Writer(_out);
        _json.WriteStartObject();
        _json.WriteString("revision", revision);
        _json.WriteStartArray("changes");
    }

    public void Add(PlanAction change)
    {
        Change(change);
        if (_json.BytesPending > 64 * 1024) _json.Flush();
    }

    /// <summary>Closes the document with everything the plan found.</summary>
    public void Finish(PlanOutcome plan)
    {
        _json.WriteEndArray();
        _json.WriteStartArray("conflicts");
        foreach (var c in plan.Conflicts)
        {
            _json.WriteStartObject();
            _json.WriteString("action", "conflict");
            _json.WriteString("source", c.Source);
            _json.WriteString("externalId", c.ExternalId);
            _json.WriteString("email", c.Email);
            _json.WriteString("mapping", c.Mapping);
            _json.WriteString("ownerSource", c.OwnerSource);
            _json.WriteString("ownerExternalId", c.OwnerExternalId);
            _json.WriteString("reason", c.Reason);
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        _json.WriteStartArray("blocked");
        foreach (var b in plan.Blocked)
        {
            _json.WriteStartObject();
            _json.WriteString("source", b.Source);
            _json.WriteNumber("removals", b.Removals);
            _json.WriteNumber("activeUsers", b.ActiveUsers);
            _json.WriteString("limit", b.Limit);
            _json.WriteString("message", b.Message);
            _json.WriteStartArray("heldBack");
            foreach (var held in b.HeldBack) Change(held);
            _json.WriteEndArray();
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        Problems(_json, plan.Problems.Select(p => ((string?)p.Source, p.Message)));
        _json.WriteStartArray("mappings");
        foreach (var (name, tally) in plan.Mappings.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            _json.WriteStartObject();
            _json.WriteString("name", name);
            _json.WriteNumber("matched", tally.Matched);
            _json.WriteNumber("provisioned", tally.Provisioned);
            _json.WriteNumber("conflicts", tally.Conflicts);
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        Summary(_json, plan.Summary);
        _json.WriteEndObject();
        _json.Flush();
        _out.Write("\n"u8);
        _out.Flush();
    }

    /// <summary>The document `plan --output json` prints when there is no plan: the problems that stopped it.</summary>
    public static void Refusal(IEnumerable<(string? Source, string Message)> problems, string? revision)
    {
        using var output = Console.OpenStandardOutput();
        using var json = CliJson.Writer(output);
        json.WriteStartObject();
        if (revision is null) json.WriteNull("revision");
        else json.WriteString("revision", revision);
        json.WriteStartArray("changes");
        json.WriteEndArray();
        Problems(json, problems);
        Summary(json, PlanSummary.Empty);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private static void Problems(Utf8JsonWriter json, IEnumerable<(string? Source, string Message)> problems)
    {
        json.WriteStartArray("problems");
        foreach (var (source, message) in problems)
        {
            json.WriteStartObject();
            if (source is null) json.WriteNull("source");
            else json.WriteString("source", source);
            json.WriteString("message", message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void Summary(Utf8JsonWriter json, PlanSummary summary)
    {
        json.WriteStartObject("summary");
        json.WriteNumber("create", summary.Create);
        json.WriteNumber("update", summary.Update);
        json.WriteNumber("preserve", summary.Preserve);
        json.WriteNumber("disable", summary.Disable);
        json.WriteNumber("restore", summary.Restore);
        json.WriteNumber("conflict", summary.Conflict);
        json.WriteNumber("blocked", summary.Blocked);
        json.WriteEndObject();
    }

    private void Change(PlanAction change)
    {
        var json = _json;
        json.WriteStartObject();
        json.WriteString("action", change.Verb);
        json.WriteString("source", change.Source);
        json.WriteString("externalId", change.ExternalId);
        json.WriteString("email", change.After.Email);
        json.WriteString("userName", change.After.UserName);
        json.WriteString("mapping", change.After.Mapping);
        json.WriteString("reason", change.Reason);
        var fields = change switch
        {
            Update u => u.Fields,
            Restore r => r.Fields,
            _ => null,
        };
        if (fields is not null)
        {
            json.WriteStartArray("fields");
            foreach (var f in fields)
            {
                json.WriteStartObject();
                json.WriteString("field", f.Field);
                json.WriteString("from", f.From);
                json.WriteString("to", f.To);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteStartObject("after");
        json.WriteString("state", change.After.State.ToString());
        json.WriteString("profile", change.After.Profile);
        json.WriteString("storageRegion", change.After.StorageRegion);
        json.WriteNumber("quotaBytes", change.After.QuotaBytes);
        if (change.After.QuotaPolicy is null) json.WriteNull("quotaPolicy");
        else json.WriteString("quotaPolicy", change.After.QuotaPolicy);
        json.WriteString("loginMechanism", change.After.LoginMechanism.ToString());
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public void Dispose() => _json.Dispose();
}
