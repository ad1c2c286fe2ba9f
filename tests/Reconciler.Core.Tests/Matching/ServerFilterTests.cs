using Reconciler.Core.Directory;
using Reconciler.Core.Matching;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Tests.Matching;

public sealed class ServerFilterTests
{
    private const string Clause = "(departmentNumber=Sales)";

    private static ImportedUser User(params string[] matchedClauses) => new()
    {
        Id = "u1",
        Details = new UserDetails { UserName = "ada", Email = "ada@example.com" },
        Attributes = matchedClauses.Length == 0 ? null : matchedClauses.ToDictionary(ServerFilter.Key, _ => "true"),
    };

    [Fact]
    public void AnLdapFilterClause_HoldsExactlyForTheUsersTheServerMarked()
    {
        var matcher = new UserFilterMatcher(new UserFilter { LdapFilter = $"  {Clause} " });

        Assert.True(matcher.Matches(User(Clause)));
        Assert.False(matcher.Matches(User()));
        Assert.False(matcher.Matches(User("(departmentNumber=R&D)")));
        Assert.Equal($"filter.ldapFilter: the directory does not match '{Clause}' to this user", matcher.Explain(User()));
        Assert.Null(matcher.Explain(User(Clause)));
    }

    [Fact]
    public void TheMarkIsNamedByTheTrimmedClause_AndDiffersPerClause()
    {
        Assert.Equal(ServerFilter.Key(Clause), ServerFilter.Key($" {Clause}\n"));
        Assert.NotEqual(ServerFilter.Key(Clause), ServerFilter.Key("(departmentNumber=sales)"));
        Assert.StartsWith(ServerFilter.Prefix, ServerFilter.Key(Clause));
    }
}
