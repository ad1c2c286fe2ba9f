using Reconciler.Cli.Engine;
using Reconciler.Cli.Output;
using Reconciler.Connectors;
using Reconciler.Connectors.Csv;
using Reconciler.Core.Resources;
using Reconciler.Sources.Folder;
using Reconciler.Store.Contract;

namespace Reconciler.Cli.Commands;

/// <summary>What every command shares: the connectors, the clock, the engine, and how errors reach the user.</summary>
public static class CliContext
{
    public static readonly TimeProvider Clock = TimeProvider.System;

    public static readonly IReadOnlyList<IDirectoryConnector> Connectors = [new CsvDirectoryConnector()];

    public static DirectoryImporter Importer { get; } = new(Connectors, Clock);

    public static ReconcileEngine Engine { get; } = new(Importer, Clock);

    /// <summary>Loads and validates a configuration folder; prints every error and returns null when there is any.</summary>
    public static DesiredState? Load(string directory)
    {
        var result = new FolderLoader().Load(directory);
        foreach (var error in result.Errors) Console.Error.WriteLine(error.ToString());
        if (result.Errors.Count > 0)
        {
            Console.Error.WriteLine($"{result.Errors.Count} error(s) in {directory}; nothing was changed.");
            return null;
        }
        return result.State;
    }

    /// <summary>Runs a command body, turning the failures a user can fix into one line and exit code 1.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (StoreException e)
        {
            Terminal.Error(e.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            Terminal.Error("cancelled");
            return 130;
        }
        catch (IOException e)
        {
            Terminal.Error(e.Message);
            return 1;
        }
        catch (UnauthorizedAccessException e)
        {
            Terminal.Error(e.Message);
            return 1;
        }
    }
}
