using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reconciler.Cli.Hosting;
using Reconciler.Cli.Output;
using Reconciler.Engine.Hosting;
using Reconciler.Http.Health;
using Reconciler.Http.Hosting;
using Reconciler.Http.Telemetry;
using Reconciler.Sources.Folder;

namespace Reconciler.Cli.Commands;

/// <summary>
/// `run`: the engine as a Generic Host background service — every source on its own syncInterval, on file changes
/// and on wake-ups — plus HTTP (/healthz, /readyz, /metrics), until Ctrl+C or SIGTERM (then exit 0).
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var config = Options.Config();
        var store = Options.Store();
        var listen = new Option<string>("--listen")
        {
            Description = "Address to serve /healthz, /readyz, /metrics and the SCIM endpoint (/scim/v2) on",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var workers = Options.Count("--workers", "Sources reconciled at once", 4);
        var readTimeout = Options.ReadTimeout();
        var command = new Command("run", "Reconcile continuously: each source on its syncInterval and on file changes; serve health and metrics")
        {
            config, store, listen, workers, readTimeout,
        };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var directory = parse.GetValue(config)!;
            if (!Directory.Exists(directory))
            {
                Terminal.Error($"configuration folder {directory} does not exist");
                return 1;
            }
            using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
                o.UseUtcTimestamp = true;
            }).SetMinimumLevel(CliContext.Debug ? LogLevel.Debug : LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
            var logger = logging.CreateLogger("reconciler");
            var metrics = new ReconcilerMetrics();
            var readiness = new ReadinessState();
            await using var opened = await StoreLocation.OpenAsync(parse.GetValue(store)!, readOnly: false, ct);
            // A long-running writer: SCIM pushes must not wait for WAL checkpoints in their commits.
            if (opened is Store.Sqlite.SqliteStore sqlite) sqlite.CheckpointInBackground();
            using var desired = new FolderDesiredState(directory);
            var reader = new Engine.Reconciling.SourceReader(CliServices.Connectors, CliServices.Secrets, CliServices.Clock, parse.GetValue(readTimeout) ?? Engine.Reconciling.SourceReader.DefaultIdleTimeout);
            var sources = new SourceKeyReconciler(reader, CliServices.Reconciliation(logging), opened, CliServices.Clock,
                logging.CreateLogger<SourceKeyReconciler>());
            var service = new ReconcilerService(desired, sources, opened, new EngineMetrics(metrics), CliServices.Clock,
                logging.CreateLogger<ReconcilerService>(), new EngineOptions { Workers = parse.GetValue(workers) });
            var httpOptions = new ReconcilerHttpOptions();
            if (opened is Store.Contract.IScimStore scim)
            {
                // SCIM writes go straight to the store and wake their source; tokens name sources of the current configuration.
                var scimOptions = new Http.Scim.ScimOptions
                {
                    Store = scim,
                    // Until the configuration is first loaded, no source is known yet: ask the IdP to come back.
                    Source = name => service.Current is { } current
                        ? current.Valid.Source(name)
                        : throw new Connectors.Scim.ScimException(503, null, "reconciler is starting: the configuration is not loaded yet"),
                    Enqueue = source => service.Enqueue(source.Key),
                    Clock = CliServices.Clock,
                };
                httpOptions = httpOptions with { EndpointGroups = [routes => Http.Scim.ScimEndpoints.MapScim(routes, scimOptions)] };
            }
            ReconcilerHttpHost http;
            try
            {
                http = await ReconcilerHttpHost.StartAsync(parse.GetValue(listen)!, metrics, readiness, httpOptions, ct);
            }
            catch (Exception e) when (e is InvalidListenUrlException or ListenException)
            {
                Terminal.Error(e.Message);
                return 1;
            }
            await using (http)
            {
                logger.LogInformation("serving /healthz, /readyz, /metrics and /scim/v2 on {Address}", http.Address);
                using var host = Host(service, logging);
                await host.StartAsync(ct);
                _ = service.FirstPass.ContinueWith(_ => readiness.MarkReady(), TaskScheduler.Default);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }
                logger.LogInformation("stopping");
                await host.StopAsync(CancellationToken.None);
            }
            logger.LogInformation("stopped");
            return 0;
        }));
        return command;
    }

    /// <summary>A Generic Host running the engine; the command, not the host, owns Ctrl+C and SIGTERM.</summary>
    private static IHost Host(ReconcilerService service, ILoggerFactory logging)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "reconciler",
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton(logging);
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        builder.Services.AddSingleton<IHostedService>(service);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        return builder.Build();
    }

    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
