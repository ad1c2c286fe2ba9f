using System.CommandLine;
using Microsoft.Extensions.Logging;
using Reconciler.Cli.Engine;
using Reconciler.Cli.Output;
using Reconciler.Http.Health;
using Reconciler.Http.Hosting;
using Reconciler.Http.Telemetry;

namespace Reconciler.Cli.Commands;

/// <summary>`run`: the reconcile loop plus HTTP (/healthz, /readyz, /metrics) until Ctrl+C or SIGTERM.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var config = Options.Config();
        var store = Options.Store();
        var listen = new Option<string>("--listen")
        {
            Description = "Address to serve /healthz, /readyz and /metrics on",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var command = new Command("run", "Reconcile continuously: on file changes and every syncInterval; serve health and metrics") { config, store, listen };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var directory = parse.GetValue(config)!;
            if (!Directory.Exists(directory))
            {
                Terminal.Error($"configuration folder {directory} does not exist");
                return 1;
            }
            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
                o.UseUtcTimestamp = true;
            }).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
            var logger = loggerFactory.CreateLogger("reconciler");
            var metrics = new ReconcilerMetrics();
            var readiness = new ReadinessState();
            await using var opened = await StoreLocation.OpenAsync(parse.GetValue(store)!, readOnly: false, ct);
            ReconcilerHttpHost host;
            try
            {
                host = await ReconcilerHttpHost.StartAsync(parse.GetValue(listen)!, metrics, readiness, ct);
            }
            catch (Exception e) when (e is InvalidListenUrlException or ListenException)
            {
                Terminal.Error(e.Message);
                return 1;
            }
            await using (host)
            {
                logger.LogInformation("serving /healthz, /readyz and /metrics on {Address}", host.Address);
                await new RunLoop(CliContext.Engine, metrics, readiness, logger).RunAsync(directory, opened, ct);
            }
            logger.LogInformation("stopped");
            return 0;
        }));
        return command;
    }
}
