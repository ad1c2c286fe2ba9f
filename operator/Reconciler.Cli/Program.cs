using System.CommandLine;
using Reconciler.Cli.Commands;
using Reconciler.Cli.Output;

var debug = new Option<bool>("--debug") { Description = "Show the details (stack traces) of unexpected errors", Recursive = true };
var root = new RootCommand("reconciler — declarative provisioning of endpoint-backup users from your directories")
{
    ValidateCommand.Create(),
    PlanCommand.Create(),
    ApplyCommand.Create(),
    RunCommand.Create(),
    SyncCommand.Create(),
    StatusCommand.Create(),
    ExplainCommand.Create(),
    UsersCommand.Create(),
    AuditCommand.Create(),
    CrdsCommand.Create(),
};
root.Options.Add(debug);

try
{
    var parsed = root.Parse(args);
    CliContext.Debug = parsed.GetValue(debug);
    if (parsed.Errors.Count > 0)
    {
        // One line per mistake and where to look, instead of the whole help text.
        foreach (var error in parsed.Errors) Terminal.Error(error.Message);
        var command = parsed.CommandResult.Command;
        Console.Error.WriteLine($"see 'reconciler {(command == root ? "" : command.Name + " ")}--help'");
        return 1;
    }
    // Ctrl+C and SIGTERM cancel the running command's token: `run` stops its workers and HTTP and exits 0; an
    // interrupted `apply` rolls its transaction back and exits 130.
    return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15), EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    CliContext.Unexpected(e);
    return 1;
}
