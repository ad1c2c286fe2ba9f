using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// The SCIM endpoint of the published `bin/reconciler run`, loaded over loopback by 32 concurrent clients, beside
/// the HTTP ceiling of this machine measured in the same run: a minimal Kestrel endpoint answering a fixed JSON user.
/// First <c>users</c> POSTs provision the users (each committed before its answer), then GET by id, GET by
/// <c>userName eq</c> filter and PATCH run against them.
/// </summary>
public sealed class ScimSuite(int users, string binary, string? markdown)
{
    private const int Clients = 32;
    private const int Reads = 20_000;
    private const int Patches = 5_000;

    public async Task RunAsync()
    {
        if (!File.Exists(binary)) throw new BenchFailure($"{binary} does not exist: run `make build` first (make bench does)");
        var work = Directory.CreateTempSubdirectory("reconciler-scim-bench-").FullName;
        try
        {
            var config = Directory.CreateDirectory(Path.Combine(work, "config")).FullName;
            await File.WriteAllTextAsync(Path.Combine(config, "scim.yaml"), """
                apiVersion: provisioning.reconciler.dev/v1alpha1
                kind: DirectorySource
                metadata: {name: idp}
                spec: {type: Scim}
                ---
                apiVersion: provisioning.reconciler.dev/v1alpha1
                kind: ProvisioningMapping
                metadata: {name: everyone}
                spec:
                  sourceRef: {name: idp}
                  priority: 100
                  profile: laptops-standard
                  storageRegion: eu-west
                  quota: 50Gi
                """);
            var store = Path.Combine(work, "state.db");
            var token = (await Capture(binary, ["scim", "token", "create", "idp", "--config", config, "--store", store])).Trim();

            Console.WriteLine($"# SCIM: {users:N0} users by POST, then {Reads:N0} GETs by id and by filter and {Patches:N0} PATCHes, {Clients} clients");
            await using var ceiling = await Ceiling.StartAsync();
            var port = FreePort();
            using var run = Process.Start(new ProcessStartInfo(binary, ["run", "--config", config, "--store", store, "--listen", $"http://127.0.0.1:{port}"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            // run's log (one line per reconcile, with its duration) goes to a file beside the store, kept when it fails.
            var log = new StreamWriter(Path.Combine(Path.GetTempPath(), "reconciler-scim-bench-run.log")) { AutoFlush = true };
            run.OutputDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
            run.ErrorDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
            run.BeginOutputReadLine();
            run.BeginErrorReadLine();
            try
            {
                using var http = Client();
                await WaitReadyAsync(http, $"http://127.0.0.1:{port}/readyz");
                var scim = $"http://127.0.0.1:{port}/scim/v2";
                var reference = await LoadAsync("ceiling: fixed JSON user", http, Reads, _ => new HttpRequestMessage(HttpMethod.Get, ceiling.Url + "/Users/1"));

                var ids = new string[users];
                var post = await LoadAsync($"POST /Users ×{users:N0}", http, users, i => Json(HttpMethod.Post, scim + "/Users", token, User(i)),
                    async (i, response) => ids[i] = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
                var lag = await WaitProvisionedAsync(http, $"http://127.0.0.1:{port}/metrics", users);
                var random = new Random(7);
                var byId = await LoadAsync("GET /Users/{id}", http, Reads, _ => Get(scim + "/Users/" + ids[random.Next(users)], token));
                var byName = await LoadAsync("GET /Users?filter=userName eq", http, Reads, _ =>
                    Get(scim + "/Users?filter=" + Uri.EscapeDataString($"userName eq \"user{random.Next(users)}@example.com\""), token));
                var patch = await LoadAsync("PATCH /Users/{id}", http, Patches, i => Json(HttpMethod.Patch, scim + "/Users/" + ids[(i * 7919) % users], token,
                    $$"""{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Replace", "path": "title", "value": "Title {{i}}"}]}"""));
                var rss = PeakRssMb(run.Id);

                var report = new StringBuilder();
                report.AppendLine($"## SCIM, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z — {Environment.ProcessorCount} cores, {users:N0} users, {Clients} clients over loopback").AppendLine();
                report.AppendLine("| what | requests | requests/s | p50 ms | p99 ms | share of the ceiling | target |");
                report.AppendLine("|---|---|---|---|---|---|---|");
                report.AppendLine(Row(reference, reference, null, null));
                report.AppendLine(Row(post, reference, 0.10, 50));
                report.AppendLine(Row(byId, reference, 0.30, 20));
                report.AppendLine(Row(byName, reference, 0.30, 20));
                report.AppendLine(Row(patch, reference, 0.10, 50));
                report.AppendLine().AppendLine($"- `reconciler run` peak resident memory (VmHWM): {rss} MB; POSTs and PATCHes are committed before they are answered.");
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"- All {users:N0} pushed users were active in the registry {lag.TotalSeconds:0.0} s after the last POST was answered (`reconciler_users{{state=\"active\"}}` on /metrics)."));
                Console.WriteLine(Environment.NewLine + report);
                if (markdown is not null) await File.AppendAllTextAsync(markdown, report + Environment.NewLine);
            }
            finally
            {
                if (!run.HasExited) run.Kill(entireProcessTree: true);
                await run.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record Result(string Name, int Requests, double Seconds, double P50, double P99)
    {
        public double PerSecond => Requests / Seconds;
    }

    private static string Row(Result r, Result ceiling, double? share, double? p99)
    {
        var ratio = r.PerSecond / ceiling.PerSecond;
        var target = share is null ? "—" : $"≥ {share:P0} and p99 < {p99} ms: " + (ratio >= share && r.P99 < p99 ? "met" : "missed");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {r.Name} | {r.Requests:N0} | {r.PerSecond:N0} | {r.P50:0.0} | {r.P99:0.0} | {ratio:P0} | {target} |");
    }

    /// <summary>Sends <paramref name="count"/> requests from <see cref="Clients"/> tasks; every answer must be a 2xx.</summary>
    private static async Task<Result> LoadAsync(string name, HttpClient http, int count, Func<int, HttpRequestMessage> request,
        Func<int, HttpResponseMessage, Task>? answered = null)
    {
        var latencies = new double[count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request(i));
                if (!response.IsSuccessStatusCode)
                {
                    throw new BenchFailure($"{name}: request {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                if (answered is not null) await answered(i, response);
                else await response.Content.CopyToAsync(Stream.Null);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        var result = new Result(name, count, seconds, latencies[count / 2], latencies[Math.Min(count - 1, (int)(count * 0.99))]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: {result.PerSecond:N0}/s, p50 {result.P50:0.0} ms, p90 {latencies[(int)(count * 0.90)]:0.0} ms, p95 {latencies[(int)(count * 0.95)]:0.0} ms, p99 {result.P99:0.0} ms, p99.9 {latencies[(int)(count * 0.999)]:0.0} ms, max {latencies[^1]:0.0} ms"));
        return result;
    }

    private static string User(int i) => string.Create(CultureInfo.InvariantCulture, $$"""
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "user{{i}}@example.com", "active": true,
         "name": {"givenName": "Given{{i}}", "familyName": "Family{{i}}"}, "displayName": "User {{i}}",
         "emails": [{"primary": true, "type": "work", "value": "user{{i}}@example.com"}], "externalId": "ext-{{i}}"}
        """);

    private static HttpRequestMessage Get(string url, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static HttpRequestMessage Json(HttpMethod method, string url, string token, string body)
    {
        var request = Get(url, token);
        request.Method = method;
        request.Content = new StringContent(body, Encoding.UTF8, "application/scim+json");
        return request;
    }

    private static HttpClient Client() => new(new SocketsHttpHandler { MaxConnectionsPerServer = Clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>How long after the pushes every pushed user is active in the registry, as `run`'s metrics say.</summary>
    private static async Task<TimeSpan> WaitProvisionedAsync(HttpClient http, string url, int users)
    {
        var clock = Stopwatch.StartNew();
        var wanted = string.Create(CultureInfo.InvariantCulture, $"reconciler_users{{state=\"active\"}} {users}");
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            var metrics = await http.GetStringAsync(url);
            if (metrics.Split('\n').Any(line => line.Trim() == wanted)) return clock.Elapsed;
            await Task.Delay(50);
        }
        throw new BenchFailure($"the {users:N0} pushed users were not all active in the registry 120 s after the last POST ({url})");
    }

    private static async Task WaitReadyAsync(HttpClient http, string url)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new BenchFailure($"reconciler run did not answer {url} within 60 s");
    }

    private static async Task<string> Capture(string file, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new BenchFailure($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {errors}");
        return output;
    }

    private static long PeakRssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) ?? "VmHWM: 0 kB";
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The HTTP ceiling: Kestrel answering every GET /Users/{id} with the same small JSON user.</summary>
    private sealed class Ceiling(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<Ceiling> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            var port = FreePort();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var body = Encoding.UTF8.GetBytes("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","userName":"user1@example.com","active":true}""");
            app.MapGet("/Users/{id}", async (HttpContext context) =>
            {
                context.Response.ContentType = "application/scim+json";
                await context.Response.Body.WriteAsync(body);
            });
            await app.StartAsync();
            return new Ceiling(app, $"http://127.0.0.1:{port}");
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
