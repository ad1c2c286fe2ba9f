using System.Diagnostics;
using Reconciler.Testing.Directories;

// make demo-ldap: starts a real slapd with generated people and groups on 127.0.0.1, writes examples/ldap pointed
// at it into OUT, applies it with the published binary, and keeps the directory up until Ctrl+C so you can change
// it (ldapmodify) and watch `reconciler plan` follow.
var users = 200;
string? output = null, reconciler = null, examples = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--users": users = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--out": output = Path.GetFullPath(args[i + 1]); break;
        case "--reconciler": reconciler = Path.GetFullPath(args[i + 1]); break;
        case "--examples": examples = Path.GetFullPath(args[i + 1]); break;
    }
}
if (output is null || reconciler is null || examples is null)
{
    Console.Error.WriteLine("usage: demo-ldap --examples examples/ldap --out DIR --reconciler bin/reconciler [--users N]");
    return 2;
}

await using var server = await SlapdServer.StartAsync(new SlapdOptions { Users = users });
var config = Path.Combine(output, "config");
var store = Path.Combine(output, "state.db");
if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
Directory.CreateDirectory(config);
foreach (var file in Directory.GetFiles(examples, "*.yaml"))
{
    var text = File.ReadAllText(file)
        .Replace("ldap://127.0.0.1:3890", server.Url, StringComparison.Ordinal)
        .Replace("cn=reader,ou=services,dc=example,dc=com", server.ReaderDN, StringComparison.Ordinal);
    File.WriteAllText(Path.Combine(config, Path.GetFileName(file)), text);
}

int Run(params string[] arguments)
{
    var start = new ProcessStartInfo(reconciler) { UseShellExecute = false };
    foreach (var argument in arguments) start.ArgumentList.Add(argument);
    start.Environment["LDAP_BIND_PASSWORD"] = server.ReaderPassword;
    using var process = Process.Start(start)!;
    process.WaitForExit();
    return process.ExitCode;
}

Console.WriteLine($"slapd serves {users} generated people at {server.Url} (and {server.LdapsUrl}); applying {config}:\n");
Run("apply", "--config", config, "--store", store);
Console.WriteLine();
Run("status", "--store", store);
Console.WriteLine($"""

    The directory stays up until Ctrl+C. In another shell:
      export LDAP_BIND_PASSWORD='{server.ReaderPassword}'
      {reconciler} plan --config {config} --store {store}
      ldapmodify -x -H {server.Url} -D '{server.AdminDN}' -w '{server.AdminPassword}'   # change someone, then plan again
    """);
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
await stop.Task;
Console.WriteLine("stopping slapd");
return 0;
