using System.CommandLine;
using Reconciler.Cli.Engine;
using Reconciler.Cli.Output;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Spectre.Console;

namespace Reconciler.Cli.Commands;

/// <summary>`users list`: the registry, as the last apply left it.</summary>
public static class UsersCommand
{
    public static Command Create()
    {
        var store = Options.Store();
        var output = Options.Output();
        var state = new Option<string?>("--state") { Description = "Only users in this state: Active, Preserved or Disabled" };
        var list = new Command("list", "List provisioned users") { store, output, state };
        list.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            UserState? filter = null;
            if (parse.GetValue(state) is { } text)
            {
                if (!Enum.TryParse<UserState>(text, ignoreCase: true, out var parsed) || int.TryParse(text, out _))
                {
                    Terminal.Error($"--state '{text}' is not a state: use Active, Preserved or Disabled");
                    return 1;
                }
                filter = parsed;
            }
            await using var opened = await StoreLocation.OpenAsync(parse.GetValue(store)!, readOnly: true, ct);
            var users = await opened.ListUsersAsync(filter, ct);
            if (parse.GetValue(output) == "json")
            {
                Console.WriteLine(CliJson.Serialize(users.Select(u => new
                {
                    email = u.Email,
                    userName = u.UserName,
                    displayName = u.Details.DisplayName,
                    state = u.State,
                    source = u.Source,
                    externalId = u.ExternalId,
                    mapping = u.Mapping,
                    profile = u.Profile,
                    storageRegion = u.StorageRegion,
                    quotaBytes = u.QuotaBytes,
                    quotaPolicy = u.QuotaPolicy,
                    loginMechanism = u.LoginMechanism,
                    department = u.Details.Department,
                    createdAt = u.CreatedAt,
                    updatedAt = u.UpdatedAt,
                })));
                return 0;
            }
            var table = new Table().AddColumns("Email", "User name", "State", "Source", "Mapping", "Profile", "Region", "Quota");
            foreach (var u in users)
            {
                table.AddRow(Terminal.Cell(u.Email), Terminal.Cell(u.UserName), Terminal.Cell(u.State.ToString()), Terminal.Cell(u.Source), Terminal.Cell(u.Mapping),
                    Terminal.Cell(u.Profile), Terminal.Cell(u.StorageRegion), Terminal.Cell(Quantity.Format(u.QuotaBytes)));
            }
            Terminal.Render(table);
            Terminal.Line($"{users.Count} user(s)");
            return 0;
        }));
        var command = new Command("users", "Query the registry of provisioned users") { list };
        return command;
    }

}
