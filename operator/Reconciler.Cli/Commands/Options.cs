using System.CommandLine;
using Reconciler.Cli.Engine;

namespace Reconciler.Cli.Commands;

/// <summary>Options several commands share, spelled the same everywhere.</summary>
public static class Options
{
    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "Folder of YAML resources (searched recursively)",
        Required = true,
    };

    public static Option<string> Store() => new("--store")
    {
        Description = "SQLite path of the store",
        DefaultValueFactory = _ => StoreLocation.Default,
    };

    public static Option<string> Output() => new Option<string>("--output", "-o")
    {
        Description = "table or json",
        DefaultValueFactory = _ => "table",
    }.AcceptOnlyFromAmong("table", "json");
}
