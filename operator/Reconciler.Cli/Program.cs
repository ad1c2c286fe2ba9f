using System.CommandLine;
using Reconciler.Cli.Commands;

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
// Ctrl+C and SIGTERM cancel the running command's token so `run` finishes its pass, stops the HTTP host and exits 0.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
