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
    ScimCommand.Create(),
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
    var exit = await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15), EnableDefaultExceptionHandler = false });
    if (CliContext.Debug)
    {
        // The console logger writes on a thread of its own: flush it before the process ends.
        Reconciler.Cli.Hosting.CliServices.Logging.Dispose();
        Console.Error.WriteLine($"debug: GC {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} " +
            $"(gen0/1/2), paused {GC.GetTotalPauseDuration().TotalSeconds:0.000} s, allocated {GC.GetTotalAllocatedBytes() / 1e6:N0} MB, " +
            $"JIT {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:0.000} s");
    }
    return exit;
}
catch (Exception e)
{
    CliContext.Unexpected(e);
    return 1;
}
