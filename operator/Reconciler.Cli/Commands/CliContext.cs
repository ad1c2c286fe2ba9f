using Reconciler.Cli.Output;
using Reconciler.Core.Resources;
using Reconciler.Core.Text;
using Reconciler.Sources.Folder;
using Reconciler.Store.Contract;

namespace Reconciler.Cli.Commands;

/// <summary>What every command shares: loading the configuration, and how failures reach the user.</summary>
public static class CliContext
{
    /// <summary>Exit code of a command stopped by Ctrl+C or SIGTERM (128 + SIGINT): nothing it was writing was kept.</summary>
    public const int Interrupted = 130;

    /// <summary>Set by the global --debug option: unexpected errors then show their stack trace.</summary>
    public static bool Debug { get; set; }

    /// <summary>The declared source of that qualified name; prints which sources there are and returns null when none is.</summary>
    public static Core.Resources.DirectorySource? Source(Core.Resources.DesiredState desired, string name)
    {
        var source = desired.Source(name);
        if (source is null)
        {
            Output.Terminal.Error($"no DirectorySource named '{name}' (declared: {string.Join(", ", desired.Sources.Select(s => s.Key.QualifiedName))})");
        }
        return source;
    }

    /// <summary>Loads and validates a configuration folder; prints every error and returns null when there is any.</summary>
    public static DesiredState? Load(string directory, bool quiet = false)
    {
        var result = new FolderLoader().Load(directory);
        if (result.Errors.Count == 0) return result.State;
        if (!quiet)
        {
            foreach (var error in result.Errors) Console.Error.WriteLine(error.ToString());
            Console.Error.WriteLine($"{result.Errors.Count} error(s) in {directory}; nothing was changed.");
        }
        return null;
    }

    /// <summary>
    /// Runs a command body. A failure the user can act on (a store, a file, a read) is one line and exit 1; an
    /// interrupt is exit 130 with nothing of the interrupted write kept; anything unexpected is one line naming it
    /// (the stack trace only with --debug) and exit 1.
    /// </summary>
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
            Terminal.Error("interrupted; nothing that was being written was kept");
            return Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminal.Error(SafeText.Show(e.Message, 500));
            return 1;
        }
        catch (Exception e)
        {
            Unexpected(e);
            return 1;
        }
    }

    /// <summary>One line for an error nobody expected, and the whole story with --debug.</summary>
    public static void Unexpected(Exception e)
    {
        Terminal.Error($"unexpected {e.GetType().Name}: {SafeText.Show(e.Message, 500)}" + (Debug ? "" : " (run with --debug for details)"));
        if (Debug) Console.Error.WriteLine(e.ToString());
    }
}
