using System.CommandLine;

namespace Reconciler.Cli.Commands;

public static class ValidateCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Folder of YAML resources" };
        var command = new Command("validate", "Check a folder of resources: schema, references, quantities, durations, secrets") { dir };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(dir)!;
            var state = CliContext.Load(directory);
            if (state is null) return 1;
            Console.WriteLine($"{directory}: valid ({state.Sources.Count} sources, {state.Mappings.Count} mappings, " +
                $"{state.QuotaPolicies.Count} quota policies, {state.Campaigns.Count} campaigns; revision {state.Revision})");
            return 0;
        });
        return command;
    }
}
