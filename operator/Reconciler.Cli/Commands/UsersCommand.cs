using System.CommandLine;
using System.Text.Json;
using Reconciler.Cli.Hosting;
using Reconciler.Cli.Output;
using Reconciler.Core.Directory;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Core.Text;
using Reconciler.Store.Contract;

namespace Reconciler.Cli.Commands;

/// <summary>`users list`: the registry, as the last apply left it, streamed (a million users need no more memory than ten).</summary>
public static class UsersCommand
{
    public static Command Create()
    {
        var store = Options.Store();
        var output = Options.Output();
        var state = new Option<string?>("--state") { Description = "Only users in this state: Active, Preserved or Disabled" };
        var source = new Option<string?>("--source") { Description = "Only users of this DirectorySource" };
        var list = new Command("list", "List provisioned users, in email order") { store, output, state, source };
        list.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            UserState? filter = null;
            if (parse.GetValue(state) is { } text)
            {
                if (!Enum.TryParse<UserState>(text, ignoreCase: true, out var parsed) || int.TryParse(text, out _))
                {
                    Terminal.Error($"--state '{SafeText.Show(text, 40)}' is not a state: use Active, Preserved or Disabled");
                    return 1;
                }
                filter = parsed;
            }
            await using var opened = await StoreLocation.OpenAsync(parse.GetValue(store)!, readOnly: true, ct);
            var users = opened.ListUsersAsync(new UserQuery(filter, parse.GetValue(source)), ct);
            if (parse.GetValue(output) == "json")
            {
                await WriteJsonAsync(users, ct);
                return 0;
            }
            var count = await WriteTableAsync(users, ct);
            Terminal.Line($"{count:N0} user(s)");
            return 0;
        }));
        return new Command("users", "Query the registry of provisioned users") { list };
    }

    /// <summary>One JSON array, written user by user.</summary>
    private static async Task WriteJsonAsync(IAsyncEnumerable<ProvisionedUser> users, CancellationToken ct)
    {
        await using var stdout = Console.OpenStandardOutput();
        await using var json = CliJson.Writer(stdout);
        json.WriteStartArray();
        await foreach (var u in users.WithCancellation(ct))
        {
            json.WriteStartObject();
            json.WriteString("source", u.Source);
            json.WriteString("externalId", u.ExternalId);
            foreach (var field in UserDetails.Fields) json.WriteString(field.Name, field.Get(u.Details));
            json.WriteString("state", u.State.ToString());
            json.WriteString("mapping", u.Mapping);
            json.WriteString("profile", u.Profile);
            json.WriteString("storageRegion", u.StorageRegion);
            json.WriteNumber("quotaBytes", u.QuotaBytes);
            if (u.QuotaPolicy is null) json.WriteNull("quotaPolicy");
            else json.WriteString("quotaPolicy", u.QuotaPolicy);
            json.WriteString("loginMechanism", u.LoginMechanism.ToString());
            json.WriteString("createdAt", u.CreatedAt);
            json.WriteString("updatedAt", u.UpdatedAt);
            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024) await json.FlushAsync(ct);
        }
        json.WriteEndArray();
        await json.FlushAsync(ct);
        await stdout.WriteAsync("\n"u8.ToArray(), ct);
    }

    /// <summary>Fixed-width columns, line by line, so the listing starts at once and never waits for the last user.</summary>
    private static async Task<long> WriteTableAsync(IAsyncEnumerable<ProvisionedUser> users, CancellationToken ct)
    {
        var widths = new[] { 36, 20, 9, 16, 20, 22, 12, 9 };
        var writer = Console.Out;
        writer.WriteLine(Row(widths, "EMAIL", "USER NAME", "STATE", "SOURCE", "MAPPING", "PROFILE", "REGION", "QUOTA"));
        long count = 0;
        await foreach (var u in users.WithCancellation(ct))
        {
            writer.WriteLine(Row(widths, u.Email, u.UserName, u.State.ToString(), u.Source, u.Mapping, u.Profile, u.StorageRegion,
                Quantity.Format(u.QuotaBytes)));
            count++;
        }
        return count;
    }

    private static string Row(int[] widths, params string[] cells)
    {
        var parts = new string[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            var text = SafeText.Show(cells[i], 200);
            parts[i] = i == cells.Length - 1 ? text : text.Length >= widths[i] ? text[..(widths[i] - 1)] + "… " : text.PadRight(widths[i] + 1);
        }
        return string.Concat(parts).TrimEnd();
    }
}
