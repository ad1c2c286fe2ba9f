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
            Console.WriteLine($"{directory}: valid ({Count(state.Sources.Count, "source")}, {Count(state.Mappings.Count, "mapping")}, " +
                $"{Count(state.QuotaPolicies.Count, "quota policy", "quota policies")}, {Count(state.Campaigns.Count, "campaign")}; " +
                $"revision {state.Revision})");
            return 0;
        });
        return command;
    }

    private static string Count(int n, string one, string? many = null) => $"{n} {(n == 1 ? one : many ?? one + "s")}";
}
