using Reconciler.Connectors.Scim;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>
/// The filter grammar of RFC 7644 §3.4.2.2 as a client writes it. Each parsed filter is shown back with every
/// <c>and</c>/<c>or</c> in parentheses, so the table shows the precedence the parser chose.
/// </summary>
public sealed class ScimFilterParseTests
{
    private const string Ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Theory]
    [InlineData("userName eq \"bjensen\"", "userName eq \"bjensen\"")]
    [InlineData("userName EQ \"x\"", "userName eq \"x\"")]
    [InlineData("USERNAME eq \"x\"", "USERNAME eq \"x\"")]
    [InlineData("name.familyName co \"O'Malley\"", "name.familyName co \"O'Malley\"")]
    [InlineData("userName sw \"J\"", "userName sw \"J\"")]
    [InlineData("userName ew \"@example.com\"", "userName ew \"@example.com\"")]
    [InlineData("title pr", "title pr")]
    [InlineData("title PR", "title pr")]
    [InlineData("userType ne \"Intern\"", "userType ne \"Intern\"")]
    [InlineData("meta.lastModified gt \"2011-05-13T04:42:34Z\"", "meta.lastModified gt \"2011-05-13T04:42:34Z\"")]
    [InlineData("meta.lastModified ge \"2011-05-13T04:42:34Z\"", "meta.lastModified ge \"2011-05-13T04:42:34Z\"")]
    [InlineData("meta.lastModified lt \"2011-05-13T04:42:34Z\"", "meta.lastModified lt \"2011-05-13T04:42:34Z\"")]
    [InlineData("meta.lastModified le \"2011-05-13T04:42:34Z\"", "meta.lastModified le \"2011-05-13T04:42:34Z\"")]
    [InlineData("storageGb gt 100", "storageGb gt 100")]
    [InlineData("ratio eq -1.5e3", "ratio eq -1.5e3")]
    [InlineData("active eq true", "active eq true")]
    [InlineData("active eq FALSE", "active eq false")]
    [InlineData("nickName eq null", "nickName eq null")]
    [InlineData("displayName eq \"a \\\"quoted\\\" \\\\ name \\u00e9\"", "displayName eq \"a \\\"quoted\\\" \\\\ name é\"")]
    [InlineData($"{Ext}:department eq \"Sales\"", $"{Ext}:department eq \"Sales\"")]
    [InlineData($"{Ext}:manager.value eq \"26118915\"", $"{Ext}:manager.value eq \"26118915\"")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq \"Ada\"", "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq \"Ada\"")]
    [InlineData("  userName   eq   \"x\"  ", "userName eq \"x\"")]
    public void Parse_Comparisons(string filter, string shown) => Assert.Equal(shown, ScimFilter.Parse(filter).ToString());

    [Theory]
    [InlineData("title pr and userType eq \"Employee\"", "(title pr and userType eq \"Employee\")")]
    [InlineData("title pr or userType eq \"Intern\"", "(title pr or userType eq \"Intern\")")]
    [InlineData("a pr or b pr and c pr", "(a pr or (b pr and c pr))")]
    [InlineData("a pr and b pr or c pr", "((a pr and b pr) or c pr)")]
    [InlineData("a pr and b pr and c pr", "((a pr and b pr) and c pr)")]
    [InlineData("(a pr or b pr) and c pr", "((a pr or b pr) and c pr)")]
    [InlineData("a pr AND (b pr OR c pr)", "(a pr and (b pr or c pr))")]
    [InlineData("((a pr))", "a pr")]
    [InlineData("not (a pr) and b pr", "(not (a pr) and b pr)")]
    [InlineData("NOT(a pr or b pr)", "not ((a pr or b pr))")]
    [InlineData("userType eq \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
        "(userType eq \"Employee\" and not ((emails co \"example.com\" or emails.value co \"example.org\")))")]
    public void Parse_AndBindsTighterThanOr_ParenthesesAndNotGroup(string filter, string shown) =>
        Assert.Equal(shown, ScimFilter.Parse(filter).ToString());

    [Theory]
    [InlineData("emails[type eq \"work\"]", "emails[type eq \"work\"]")]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"]", "emails[(type eq \"work\" and value co \"@example.com\")]")]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
        "(emails[(type eq \"work\" and value co \"@example.com\")] or ims[(type eq \"xmpp\" and value co \"@foo.com\")])")]
    [InlineData("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
        "(userType eq \"Employee\" and emails[(type eq \"work\" and value co \"@example.com\")])")]
    [InlineData("members[value eq \"2819c223\"]", "members[value eq \"2819c223\"]")]
    [InlineData("emails[not (type eq \"work\")]", "emails[not (type eq \"work\")]")]
    public void Parse_ValuePaths(string filter, string shown) => Assert.Equal(shown, ScimFilter.Parse(filter).ToString());

    [Fact]
    public void Parse_BuildsTheRecords()
    {
        var filter = ScimFilter.Parse($"emails[type eq \"work\"] and {Ext}:manager.value pr");

        var and = Assert.IsType<And>(filter);
        var valuePath = Assert.IsType<ValuePath>(and.Left);
        Assert.Equal(new AttributePath(null, "emails"), valuePath.Path);
        var comparison = Assert.IsType<Comparison>(valuePath.Filter);
        Assert.Equal((new AttributePath(null, "type"), ScimOperator.Eq, "work"), (comparison.Path, comparison.Op, (string?)comparison.Value));
        Assert.Equal(new AttributePath(Ext, "manager", "value"), Assert.IsType<Present>(and.Right).Path);
    }

    [Theory]
    [InlineData("", "the filter is empty")]
    [InlineData("userName", "invalid filter at character 9: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after 'userName'")]
    [InlineData("userName xx \"a\"", "invalid filter at character 10: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after 'userName', found 'xx \"a\"'")]
    [InlineData("userName equals \"a\"", "invalid filter at character 10: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after 'userName', found 'equals \"a\"'")]
    [InlineData("userName eq", "invalid filter at character 12: expected a value (a \"string\", number, true, false or null) after 'eq'")]
    [InlineData("userName eq 'x'", "invalid filter at character 13: expected a value (a \"string\", number, true, false or null) after 'eq', found ''x''")]
    [InlineData("userName eq \"abc", "invalid filter at character 13: the string is not closed by '\"', found '\"abc'")]
    [InlineData("userName eq \"a\\qb\"", "invalid filter at character 13: invalid JSON literal, found '\"a\\qb\"'")]
    [InlineData("storageGb eq 12abc", "invalid filter at character 16: expected 'and', 'or' or the end of the filter, found 'abc'")]
    [InlineData("storageGb eq 1-2", "invalid filter at character 14: invalid JSON literal, found '1-2'")]
    [InlineData("userName eq \"a\" and", "invalid filter at character 20: expected an attribute name, found the end")]
    [InlineData("userName eq \"a\" or or", "invalid filter at character 22: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after 'or'")]
    [InlineData("(userName eq \"a\"", "invalid filter at character 17: expected ')'")]
    [InlineData("userName eq \"a\")", "invalid filter at character 16: expected 'and', 'or' or the end of the filter, found ')'")]
    [InlineData("emails[type eq \"work\"", "invalid filter at character 22: expected ']'")]
    [InlineData("emails[type[value eq \"x\"]]", "invalid filter at character 12: a value filter cannot hold another value filter, found '[value eq \"x\"]]'")]
    [InlineData("not userName eq \"a\"", "invalid filter at character 5: expected '(' after 'not', found 'userName eq \"a\"'")]
    [InlineData("1abc eq \"x\"", "invalid filter at character 1: '1abc' is not an attribute name, found '1abc eq \"x\"'")]
    [InlineData("userName\teq \"x\"", "invalid filter at character 9: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after 'userName', found '\\u{0009}eq \"x\"'")]
    public void Parse_BadFilter_Is400InvalidFilterNamingThePosition(string filter, string detail)
    {
        var problem = Assert.Throws<ScimException>(() => ScimFilter.Parse(filter));

        Assert.Equal((400, "invalidFilter"), (problem.Status, problem.ScimType));
        Assert.Equal(detail, problem.Detail);
    }

    [Theory]
    [InlineData(32, null)]
    [InlineData(33, "invalid filter at character 33: nested more than 32 levels deep, found '(a pr")]
    public void Parse_NestingDeeperThanTheLimit_IsRefused(int depth, string? detail)
    {
        var filter = new string('(', depth) + "a pr" + new string(')', depth);

        if (detail is null) Assert.Equal("a pr", ScimFilter.Parse(filter).ToString());
        else Assert.StartsWith(detail, Assert.Throws<ScimException>(() => ScimFilter.Parse(filter)).Detail);
    }

    [Theory]
    [InlineData("not (")]
    [InlineData("(")]
    [InlineData("not (not ((")]
    public void Parse_DeepNotsAndBrackets_StopAtTheDepthLimit_NotTheStack(string opening)
    {
        var filter = string.Concat(Enumerable.Repeat(opening, 4000 / opening.Length - 1)) + "a pr";

        var problem = Assert.Throws<ScimException>(() => ScimFilter.Parse(filter));

        Assert.Equal("invalidFilter", problem.ScimType);
        Assert.Contains("nested more than 32 levels deep", problem.Detail);
    }

    [Fact]
    public void Parse_LongerThanTheLimit_IsRefusedBeforeReading()
    {
        var filter = "userName eq \"" + new string('x', 4090) + "\"";

        var problem = Assert.Throws<ScimException>(() => ScimFilter.Parse(filter));

        Assert.Equal("the filter is 4,104 characters long; at most 4,096 are allowed", problem.Detail);
        // Refused for its length before a bracket is read, so depth costs nothing either.
        Assert.Equal("the filter is 100,000 characters long; at most 4,096 are allowed",
            Assert.Throws<ScimException>(() => ScimFilter.Parse(new string('(', 100_000))).Detail);
    }

    [Fact]
    public void Parse_ALongChainOfAnds_WithinTheLimit_ParsesAndEvaluates()
    {
        var filter = string.Join(" and ", Enumerable.Repeat("title pr", 300));

        var parsed = ScimFilter.Parse(filter);

        Assert.True(parsed.Matches(ScimJsonFixtures.Barbara(), ScimResourceType.User));
    }

    [Fact]
    public void Parse_HostileTextInAnError_IsEscapedAndCut()
    {
        var problem = Assert.Throws<ScimException>(() => ScimFilter.Parse("userName eq \u202Egpj.exe" + new string('x', 3000)));

        Assert.Null(SafeText.FirstUnsafe(problem.Detail));
        Assert.True(problem.Detail.Length < 200, problem.Detail);
    }
}
