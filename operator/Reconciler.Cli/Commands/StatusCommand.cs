using System.CommandLine;
using System.Text.Json;
using Reconciler.Cli.Hosting;
using Reconciler.Cli.Output;
using Reconciler.Core.Registry;
using Reconciler.Engine.Reconciling;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Spectre.Console;

namespace Reconciler.Cli.Commands;

/// <summary>`status`: what the last reconcile recorded: each resource's Ready condition and the users per state.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var store = Options.Store();
        var output = Options.Output();
        var command = new Command("status", "Show each resource's conditions and the users per state, as last reconciled") { store, output };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            await using var opened = await StoreLocation.OpenAsync(parse.GetValue(store)!, readOnly: true, ct);
            var statuses = await opened.LoadStatusesAsync(ct);
            var byState = await opened.CountUsersAsync(ct);
            var counts = byState.ToDictionary(c => c.Key.ToString().ToLowerInvariant(), c => c.Value);
            if (parse.GetValue(output) == "json")
            {
                Console.WriteLine(CliJson.Serialize(new
                {
                    resources = statuses.Select(s => new
                    {
                        kind = s.Kind,
                        @namespace = s.Key.Namespace.Length == 0 ? null : s.Key.Namespace,
                        name = s.Name,
                        summary = s.Summary,
                        updatedAt = s.UpdatedAt,
                        status = JsonDocument.Parse(s.StatusJson).RootElement,
                    }),
                    users = counts,
                }));
                return 0;
            }
            var table = new Table().AddColumns("Kind", "Name", "Ready", "Reason", "Summary", "Updated");
            foreach (var status in statuses.OrderBy(s => KindOrder(s.Kind)).ThenBy(s => s.Key.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal))
            {
                var ready = StatusJson.ConditionsOf(status.StatusJson)?.FirstOrDefault(c => c.Type == Condition.Ready);
                var name = status.Kind == ConfigurationReport.Kind ? status.Name : ResourceKey.Qualify(status.Key.Namespace, status.Name);
                table.AddRow(Terminal.Cell(status.Kind), Terminal.Cell(name), Terminal.Cell(ready?.Status.ToString() ?? "Unknown"), Terminal.Cell(ready?.Reason ?? ""),
                    Terminal.Cell(ready is { Status: not ConditionStatus.True } ? ready.Message : status.Summary),
                    Terminal.Cell(status.UpdatedAt.ToString("u")));
            }
            Terminal.Render(table);
            Terminal.Line($"Users: {new StateCounts(byState[UserState.Active], byState[UserState.Preserved], byState[UserState.Disabled])}");
            return 0;
        }));
        return command;
    }

    private static int KindOrder(string kind) => kind switch
    {
        ConfigurationReport.Kind => -1,
        DirectorySource.KindName => 0,
        ProvisioningMapping.KindName => 1,
        StorageQuotaPolicy.KindName => 2,
        _ => 3,
    };

}
