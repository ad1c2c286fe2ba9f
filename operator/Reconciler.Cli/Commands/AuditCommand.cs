using System.CommandLine;
using System.Text.Json;
using Reconciler.Cli.Engine;
using Reconciler.Cli.Output;
using Spectre.Console;

namespace Reconciler.Cli.Commands;

/// <summary>`audit`: what the reconciler did to whom, why, and under which configuration revision — newest first.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var store = Options.Store();
        var output = Options.Output();
        var limit = new Option<int>("--limit", "-n") { Description = "How many entries, newest first", DefaultValueFactory = _ => 50 };
        var command = new Command("audit", "Show the audit log of applied changes") { store, output, limit };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            if (parse.GetValue(limit) < 1)
            {
                Terminal.Error("--limit must be at least 1");
                return 1;
            }
            await using var opened = await StoreLocation.OpenAsync(parse.GetValue(store)!, readOnly: true, ct);
            var entries = await opened.ReadAuditAsync(parse.GetValue(limit), ct);
            if (parse.GetValue(output) == "json")
            {
                Console.WriteLine(CliJson.Serialize(entries.Select(e => new
                {
                    e.Id, e.At, e.Action, e.Source, e.ExternalId, e.Email, e.Mapping, e.Reason, e.Revision,
                    fields = JsonDocument.Parse(e.Details).RootElement,
                })));
                return 0;
            }
            var table = new Table().AddColumns("At", "Action", "Source", "User", "Mapping", "Why", "Revision");
            foreach (var e in entries)
            {
                table.AddRow(Terminal.Cell(e.At.ToString("u")), Terminal.Cell(e.Action), Terminal.Cell(e.Source), Terminal.Cell(e.Email.Length > 0 ? e.Email : e.ExternalId),
                    Terminal.Cell(e.Mapping), Terminal.Cell(e.Reason), Terminal.Cell(e.Revision));
            }
            Terminal.Render(table);
            return 0;
        }));
        return command;
    }

}
