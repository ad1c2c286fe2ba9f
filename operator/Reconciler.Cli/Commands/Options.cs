using System.CommandLine;
using Reconciler.Cli.Hosting;

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
        Description = "SQLite path of the store (created with its folder by commands that write)",
        DefaultValueFactory = _ => StoreLocation.Default,
    };

    public static Option<string> Output() => new Option<string>("--output", "-o")
    {
        Description = "table or json",
        DefaultValueFactory = _ => "table",
    }.AcceptOnlyFromAmong("table", "json");

    /// <summary>
    /// A whole number of at least <paramref name="minimum"/>, with an error that says so instead of naming a .NET type.
    /// A number too large to hold is, with <paramref name="largeMeansAll"/>, "as many as there are"
    /// (<see cref="int.MaxValue"/>); otherwise an error that names the largest one allowed.
    /// </summary>
    public static Option<int> Count(string name, string description, int defaultValue, int minimum = 1, bool largeMeansAll = false) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= minimum)
            {
                return value;
            }
            var tooLarge = text.Length > 0 && !text.AsSpan().ContainsAnyExceptInRange('0', '9') && text.AsSpan().TrimStart('0').Length > 0;
            if (tooLarge && largeMeansAll) return int.MaxValue;
            result.AddError(tooLarge
                ? $"{name} must be a whole number from {minimum} to {int.MaxValue}, not '{Core.Text.SafeText.Show(text, 40)}'"
                : $"{name} must be a whole number of at least {minimum}, not '{Core.Text.SafeText.Show(text, 40)}'");
            return defaultValue;
        },
    };

    /// <summary>--allow-deletions, for every command that applies.</summary>
    public static Option<bool> AllowDeletions() => new("--allow-deletions")
    {
        Description = "Acknowledge removals beyond a source's deletion guard",
    };

    /// <summary>
    /// --read-timeout: how long a directory may stay silent before its read is abandoned; null when not given. The
    /// default is written into the description as a Go duration: help would show a default value as a TimeSpan
    /// (00:05:00), a form this option refuses.
    /// </summary>
    public static Option<TimeSpan?> ReadTimeout() => new("--read-timeout")
    {
        Description = "Abandon a directory read that yields nothing for this long (Go duration, e.g. 30s, 5m) " +
            $"[default: {Core.Resources.GoDuration.Format(Engine.Reconciling.SourceReader.DefaultIdleTimeout)}]",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Core.Resources.GoDuration.TryParse(text, out var value, out var error) && value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromHours(24))
            {
                return value;
            }
            result.AddError($"--read-timeout '{Core.Text.SafeText.Show(text, 40)}': " +
                (error.Length > 0 ? error : "must be between 1s and 24h"));
            return null;
        },
    };
}
