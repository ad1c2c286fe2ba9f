using System.CommandLine;
using System.Text.Json;
using Reconciler.Cli.Hosting;
using Reconciler.Cli.Output;
using Reconciler.Store.Contract;
using Spectre.Console;

namespace Reconciler.Cli.Commands;

/// <summary>`audit`: what the reconciler did to whom, why, and under which configuration revision — newest first.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var store = Options.Store();
        var output = Options.Output();
        var limit = Options.Count("--limit", "How many entries, newest first (a number too large for the log means all of it)", 50, largeMeansAll: true);
        var source = new Option<string?>("--source") { Description = "Only entries of this DirectorySource" };
        var user = new Option<string?>("--user") { Description = "Only entries of this directory id (with --source)" };
        var command = new Command("audit", "Show the audit log of applied changes") { store, output, limit, source, user };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            await using var opened = await StoreLocation.OpenAsync(parse.GetValue(store)!, readOnly: true, ct);
            var entries = opened.ReadAuditAsync(new AuditQuery(parse.GetValue(limit), parse.GetValue(source), parse.GetValue(user)), ct);
            if (parse.GetValue(output) == "json")
            {
                await using var stdout = Console.OpenStandardOutput();
                await using var json = CliJson.Writer(stdout);
                json.WriteStartArray();
                await foreach (var e in entries)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", e.Id);
                    json.WriteString("at", e.At);
                    json.WriteString("action", e.Action);
                    json.WriteString("source", e.Source);
                    json.WriteString("externalId", e.ExternalId);
                    json.WriteString("email", e.Email);
                    json.WriteString("mapping", e.Mapping);
                    json.WriteString("reason", e.Reason);
                    json.WriteString("revision", e.Revision);
                    json.WritePropertyName("fields");
                    using (var details = JsonDocument.Parse(e.Details)) details.RootElement.WriteTo(json);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                await json.FlushAsync(ct);
                await stdout.WriteAsync("\n"u8.ToArray(), ct);
                return 0;
            }
            var table = new Table().AddColumns("At", "Action", "Source", "User", "Mapping", "Why", "Revision");
            await foreach (var e in entries)
            {
                table.AddRow(Terminal.Cell(e.At.ToString("u")), Terminal.Cell(e.Action), Terminal.Cell(e.Source),
                    Terminal.Cell(e.Email.Length > 0 ? e.Email : e.ExternalId), Terminal.Cell(e.Mapping), Terminal.Cell(e.Reason), Terminal.Cell(e.Revision));
            }
            Terminal.Render(table);
            return 0;
        }));
        return command;
    }
}
