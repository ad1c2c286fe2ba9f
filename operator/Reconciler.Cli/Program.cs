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
    CrdsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
