using Reconciler.Connectors.Ldap;
using Reconciler.Core.Resources;
using Reconciler.Testing.Directories;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// A full import from a real slapd, end to end: `bin/reconciler apply` of every user under ou=people into a fresh
/// store, beside `ldapsearch -x -E pr=1000/noprompt` returning the same entries (the same attributes, to /dev/null)
/// and the same paged search by System.DirectoryServices.Protocols alone (<see cref="LibrarySearch"/>), each as a
/// child process under GNU time, interleaved.
/// </summary>
public sealed class LdapSuite(int users, int runs, string binary, string? markdown)
{
    public async Task RunAsync()
    {
        if (!File.Exists(binary)) throw new BenchFailure($"{binary} does not exist: run `make build` first (make bench does)");
        var tools = RequiredTools.Ensure();
        var work = Directory.CreateTempSubdirectory("reconciler-ldap-bench-").FullName;
        try
        {
            Console.WriteLine($"# LDAP: starting slapd with {users:N0} generated people");
            await using var server = await SlapdServer.StartAsync(new SlapdOptions { Users = users, StartTimeout = TimeSpan.FromMinutes(2) });
            var logs = Directory.CreateDirectory(Path.Combine(work, "logs")).FullName;
            var command = new TimedCommand(tools.Time, logs);
            var config = Directory.CreateDirectory(Path.Combine(work, "config")).FullName;
            var password = Path.Combine(work, "password");
            await File.WriteAllTextAsync(password, server.ReaderPassword);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(password, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await File.WriteAllTextAsync(Path.Combine(config, "ldap.yaml"), $$"""
                apiVersion: provisioning.reconciler.dev/v1alpha1
                kind: DirectorySource
                metadata: {name: corp-ldap}
                spec:
                  type: Ldap
                  ldap:
                    url: {{server.Url}}
                    bindDN: "{{server.ReaderDN}}"
                    bindPassword: {file: {{password}}}
                    baseDN: "{{server.PeopleDN}}"
                    groupBaseDN: "{{server.GroupsDN}}"
                    pageSize: 1000
                ---
                apiVersion: provisioning.reconciler.dev/v1alpha1
                kind: ProvisioningMapping
                metadata: {name: everyone}
                spec:
                  sourceRef: {name: corp-ldap}
                  priority: 100
                  profile: laptops-standard
                  storageRegion: eu-west
                  quota: 50Gi
                """);
            // The attributes the connector asks for (its own list, so they cannot drift apart), so all three move the same bytes.
            var requested = LdapAttributes.For(new DirectorySource { Metadata = new ResourceMetadata { Name = "corp-ldap" }, Spec = new DirectorySourceSpec { Type = DirectorySourceType.Ldap } },
                LdapDialect.Ldap).Requested;
            const string filter = "(objectClass=inetOrgPerson)";
            string[] search = ["-x", "-H", server.Url, "-D", server.ReaderDN, "-y", password, "-b", server.PeopleDN, "-LLL",
                "-E", "pr=1000/noprompt", filter, .. requested];
            var self = Environment.ProcessPath ?? throw new BenchFailure("cannot tell which program this bench runs as");
            // This program again, with the search's arguments (after its dll when it runs under the dotnet host).
            string[] Library(IEnumerable<string> attributes)
            {
                var arguments = LibrarySearch.Arguments(new Uri(server.Url), server.ReaderDN, password, server.PeopleDN, filter, 1000, attributes);
                return Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(LibrarySearch).Assembly.Location, .. arguments] : arguments;
            }
            void CheckRead(Run run)
            {
                var counted = File.ReadAllText(run.StdoutPath).Trim();
                if (!counted.StartsWith($"{users} entries,", StringComparison.Ordinal)) throw new BenchFailure($"{run.Label} read '{counted}', expected {users} entries");
            }
            var ldapsearch = new List<Run>();
            var alone = new List<Run>();
            var apply = new List<Run>();
            for (var run = 1; run <= runs; run++)
            {
                ldapsearch.Add(await command.RunAsync($"ldapsearch {users:N0} #{run}", "/usr/bin/ldapsearch", search));
                alone.Add(await command.RunAsync($"System.DirectoryServices.Protocols search {users:N0} #{run}", self, Library(requested)));
                CheckRead(alone[^1]);
                var store = Path.Combine(work, $"state-{run}.db");
                apply.Add(await command.RunAsync($"apply {users:N0} from slapd #{run}", binary, ["apply", "--config", config, "--store", store]));
                var provisioned = StoreFile.Provisioned(store);
                var expected = server.Data.Users.Count(u => u.Mail is not null && !u.Locked);
                if (provisioned != expected) throw new BenchFailure($"apply from slapd provisioned {provisioned:N0} users, expected {expected:N0}");
                if (run < runs) ReferenceLoads.Delete(store);
            }

            // An incremental pass on the last store: 100 users change their title, then apply reads what changed
            // since its cursor plus an id-only search of everyone (how deletions are noticed without server support).
            var changes = string.Concat(server.Data.Users.Where(u => u.Index % Math.Max(1, users / 100) == 7).Take(100)
                .Select(u => $"dn: {u.Dn}\nchangetype: modify\nreplace: title\ntitle: Changed {u.Index}\n\n"));
            await server.ModifyAsync(changes);
            var lastStore = Path.Combine(work, $"state-{runs}.db");
            var incremental = await command.RunAsync($"apply after 100 changes among {users:N0}", binary, ["apply", "--config", config, "--store", lastStore, "--debug"]);
            var idSearch = await command.RunAsync($"ldapsearch of every user's entryUUID", "/usr/bin/ldapsearch",
                ["-x", "-H", server.Url, "-D", server.ReaderDN, "-y", password, "-b", server.PeopleDN, "-LLL", "-E", "pr=1000/noprompt", "(objectClass=inetOrgPerson)", "entryUUID"]);
            var idsAlone = await command.RunAsync($"System.DirectoryServices.Protocols search of every user's entryUUID", self, Library([LdapDialect.Ldap.DefaultId]));
            CheckRead(idsAlone);
            var kind = File.ReadLines(incremental.StderrPath).FirstOrDefault(l => l.Contains("debug: read", StringComparison.Ordinal)) ?? "(no --debug read line)";
            var report = new Report($"LDAP, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z — {Environment.ProcessorCount} cores, {users:N0} users in a local slapd, {runs} run(s)");
            var reference = new Sample("ldapsearch", ldapsearch);
            report.Add(new Figure($"`apply`, full import of {users:N0} users from slapd into a fresh store", new Sample("apply", apply), reference,
                new Target(MaxRatio: 2.0, MaxRssMb: 300)));
            report.Add(new Figure($"reference: `ldapsearch -x -E pr=1000/noprompt` of the same entries and attributes", reference));
            var floor = new Sample("the library alone", alone);
            report.Add(new Figure($"reference: the same paged search by System.DirectoryServices.Protocols alone (a .NET process reading every value as text)",
                floor, reference));
            report.Add(new Figure($"`apply`, full import of {users:N0} users, against the library's search alone", new Sample("apply", apply), floor));
            report.Add(new Figure($"`apply` after 100 changed users among {users:N0} (incremental)", new Sample("apply", [incremental]),
                new Sample("id search", [idSearch]), new Target(UnderSeconds: 1.0)));
            report.Add(new Figure($"reference: `ldapsearch` of every user's entryUUID (the id-only search an incremental pass makes)", new Sample("id search", [idSearch])));
            report.Add(new Figure($"reference: that id-only search by System.DirectoryServices.Protocols alone", new Sample("the library alone", [idsAlone]),
                new Sample("id search", [idSearch])));
            report.Note($"the incremental apply's own account: {kind.Trim()}");
            report.Note("wall: GNU time %e (median of the runs); peak RSS: %M of the child process; slapd runs on the same two cores as both");
            report.Print();
            if (markdown is not null) report.AppendTo(markdown);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
