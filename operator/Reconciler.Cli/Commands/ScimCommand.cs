using System.CommandLine;
using Reconciler.Cli.Hosting;
using Reconciler.Cli.Output;
using Reconciler.Connectors.Scim;
using Reconciler.Core.Resources;
using Reconciler.Store.Contract;

namespace Reconciler.Cli.Commands;

/// <summary>
/// `scim token create SOURCE`: a new bearer token for a Scim source, printed once on standard output (and nowhere
/// else); the store keeps only its SHA-256, and the source's previous token stops working within 2 seconds (a running `run` reads tokens again that often). It lives for the
/// source's spec.scim.tokenTTL (a year unless set).
/// </summary>
public static class ScimCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("SOURCE") { Description = "Name of a DirectorySource of type Scim (namespace/name outside the default namespace)" };
        var config = Options.Config();
        var store = Options.Store();
        var create = new Command("create", "Print a new bearer token for a Scim source once; the previous one stops working") { name, config, store };
        create.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var desired = CliContext.Load(parse.GetValue(config)!);
            if (desired is null) return 1;
            var wanted = parse.GetValue(name)!;
            if (CliContext.Source(desired, wanted) is not { } source) return 1;
            if (source.Spec.Type != DirectorySourceType.Scim)
            {
                Terminal.Error($"source {wanted} is of type {source.Spec.Type}: only Scim sources take tokens");
                return 1;
            }
            // The configuration was validated on load, tokenTTL's range with it.
            var ttl = (source.Spec.Scim ?? new ScimSettings()).TokenLifetime();
            return await StoreLocation.WriteAsync(parse.GetValue(store)!, async opened =>
            {
                if (opened is not IScimStore scim)
                {
                    Terminal.Error($"the store at {opened.Location} does not keep SCIM tokens");
                    return 1;
                }
                var now = CliServices.Clock.GetUtcNow();
                var (token, hash) = ScimBearerToken.Create(wanted);
                await scim.SaveTokenAsync(new ScimToken(wanted, hash, now, now + ttl), ct);
                Console.Error.WriteLine($"A new SCIM token for {wanted}, valid until {(now + ttl).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}; the previous one stops working within seconds.");
                Console.Error.WriteLine("It is shown once, below: paste it with the base URL http://HOST:PORT/scim/v2 into the identity provider.");
                Terminal.Line(token);
                return 0;
            }, ct);
        }));
        var token = new Command("token", "Bearer tokens of Scim sources") { create };
        return new Command("scim", "SCIM sources: tokens for identity providers") { token };
    }
}
