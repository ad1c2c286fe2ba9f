using Reconciler.Core.Text;
using Spectre.Console;

namespace Reconciler.Cli.Output;

/// <summary>Where the CLI writes: Spectre tables and progress on a terminal, plain lines when redirected.</summary>
public static class Terminal
{
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Control characters in messages (they may quote directory values) are shown escaped, never raw.</summary>
    public static void Error(string message) => Console.Error.WriteLine("error: " + SafeText.Show(message, 4000));

    public static void Warn(string message) => Console.Error.WriteLine("warning: " + SafeText.Show(message, 4000));

    public static void Line(string message) => Console.Out.WriteLine(message);

    /// <summary>A table cell showing text as it is (no Spectre markup is interpreted in user data).</summary>
    public static Markup Cell(string text) => new(Markup.Escape(SafeText.Show(text, 1000)));

    public static void Render(Table table)
    {
        if (Console.IsOutputRedirected)
        {
            table.Border(TableBorder.Ascii);
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Out = new AnsiConsoleOutput(Console.Out),
            });
            console.Profile.Width = 200;
            console.Write(table);
            return;
        }
        AnsiConsole.Write(table);
    }
}
