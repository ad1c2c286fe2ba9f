using Reconciler.IntegrationTests.Support;

namespace Reconciler.IntegrationTests;

/// <summary>Which of two new users claiming one email is provisioned does not depend on the order of the export's rows.</summary>
public sealed class EmailClaimOrderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoNewUsersWithOneEmail_TheOneWhoseIdSortsFirstGetsIt_InEitherRowOrder(bool earlyIdFirst)
    {
        using var workspace = Workspace.FromSamples();
        string[] rows =
        [
            "a-early,early,shared.inbox@example.com,Early Claimant,Early,Claimant,Engineering,Engineer,all-staff;engineering,\"ou=people,dc=example,dc=com\",true",
            "z-late,late,Shared.Inbox@example.com,Late Claimant,Late,Claimant,Engineering,Engineer,all-staff;engineering,\"ou=people,dc=example,dc=com\",true",
        ];
        foreach (var row in earlyIdFirst ? rows : rows.Reverse()) workspace.AppendRow(row);

        await workspace.ApplyOk();

        var claimants = (await workspace.Users())
            .Where(u => string.Equals(u.GetProperty("email").GetString(), "shared.inbox@example.com", StringComparison.OrdinalIgnoreCase))
            .Select(u => u.GetProperty("userName").GetString())
            .ToList();
        Assert.Equal(["early"], claimants);
    }
}
