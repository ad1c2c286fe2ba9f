using System.Diagnostics;
using System.Text;

namespace Reconciler.Testing.Directories;

/// <summary>What a finished command-line tool left behind.</summary>
/// <param name="CommandLine">The command line, with the value after <c>-w</c> (a bind password) replaced by <c>***</c>.</param>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StandardOutput">Everything written to stdout (UTF-8).</param>
/// <param name="StandardError">Everything written to stderr (UTF-8).</param>
public sealed record ToolResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Whether the tool exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Returns this result when the tool exited with 0, otherwise throws <see cref="ExternalToolException"/>.</summary>
    public ToolResult EnsureSuccess() => Succeeded ? this : throw new ExternalToolException(this);
}

/// <summary>A command-line tool (ldapadd, slapadd, openssl, …) exited with a non-zero code.</summary>
public sealed class ExternalToolException : Exception
{
    /// <summary>Creates the exception from the failed run.</summary>
    public ExternalToolException(ToolResult result)
        : base($"{result.CommandLine} exited with {result.ExitCode}: {Tail(result.StandardError, result.StandardOutput)}")
    {
        Result = result;
    }

    /// <summary>The failed run.</summary>
    public ToolResult Result { get; }

    private static string Tail(string stderr, string stdout)
    {
        var text = (string.IsNullOrWhiteSpace(stderr) ? stdout : stderr).Trim();
        if (text.Length == 0)
        {
            return "(no output)";
        }

        return text.Length <= 4000 ? text : "…" + text[^4000..];
    }
}

/// <summary>Runs command-line tools as child processes and captures their output.</summary>
public static class ExternalTool
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Runs <paramref name="fileName"/> to completion. Never throws for a non-zero exit code (see
    /// <see cref="ToolResult.EnsureSuccess"/>); throws when the tool cannot be started. Cancelling kills the tool.
    /// </summary>
    /// <param name="fileName">The tool, found on PATH unless it is a path.</param>
    /// <param name="arguments">The arguments, passed without any shell quoting.</param>
    /// <param name="standardInput">Written to the tool's stdin as UTF-8 (no BOM), then stdin is closed; with <see langword="null"/> stdin is closed at once.</param>
    /// <param name="environment">Variables to set (a <see langword="null"/> value removes the variable) on top of the inherited environment.</param>
    /// <param name="cancellationToken">Kills the tool when cancelled.</param>
    public static async Task<ToolResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        string? standardInput = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null)
                {
                    startInfo.Environment.Remove(name);
                }
                else
                {
                    startInfo.Environment[name] = value;
                }
            }
        }

        var commandLine = FormatCommandLine(fileName, arguments);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException)
        {
            throw new InvalidOperationException(
                $"Cannot start {commandLine}: {e.Message}. Is it installed? (`make deps` installs slapd, ldap-utils and openssl.)", e);
        }

        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            try
            {
                if (standardInput is not null)
                {
                    await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken).ConfigureAwait(false);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool exited before reading all its input; its exit code and stderr tell why.
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        return new ToolResult(commandLine, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Formats a command line for messages, hiding the value after <c>-w</c>.</summary>
    public static string FormatCommandLine(string fileName, IReadOnlyList<string> arguments)
    {
        var builder = new StringBuilder(Quote(fileName));
        for (var i = 0; i < arguments.Count; i++)
        {
            builder.Append(' ');
            builder.Append(i > 0 && arguments[i - 1] == "-w" ? "***" : Quote(arguments[i]));
        }

        return builder.ToString();
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''") + "'";

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }
}
