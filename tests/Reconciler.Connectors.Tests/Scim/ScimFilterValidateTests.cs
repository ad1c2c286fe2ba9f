using Reconciler.Connectors.Scim;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>
/// What the endpoint answers with 400 invalidFilter before searching: attributes the resource type does not have,
/// operators that do not apply to the attribute's type, values of the wrong type. And the equality an index serves.
/// </summary>
public sealed class ScimFilterValidateTests
{
    [Theory]
    [InlineData("userName eq \"x\"", null)]
    [InlineData("NICKNAME pr", null)]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"]", null)]
    [InlineData("meta.lastModified gt \"2011-05-13T04:42:34Z\"", null)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"x\"", null)]
    [InlineData("active eq \"False\"", null)]
    [InlineData("title eq null", null)]
    [InlineData("foo eq \"x\"", "'foo' is not an attribute of User resources")]
    [InlineData("name.nickName eq \"x\"", "'name.nickName' is not an attribute of User resources")]
    [InlineData("title pr and department eq \"x\"", "'department' is not an attribute of User resources")]
    [InlineData("urn:example:custom:2.0:User:badge eq \"x\"",
        "'urn:example:custom:2.0:User:badge' names the schema urn:example:custom:2.0:User, which User resources do not have")]
    [InlineData("emails[foo eq \"x\"]", "'foo' is not a sub-attribute of emails")]
    [InlineData("title[value eq \"x\"]", "'title' has no sub-attributes to filter on")]
    [InlineData("name eq \"Ada\"", "'name' is complex: compare one of its sub-attributes")]
    [InlineData("active gt true", "'gt' does not apply to the boolean 'active'; use eq or ne")]
    [InlineData("active eq \"yes\"", "'active' is a boolean: compare it with true or false")]
    [InlineData("meta.created gt \"yesterday\"", "'meta.created' is a dateTime: compare it with one such as \"2024-01-31T09:30:00Z\"")]
    [InlineData("userName eq 5", "'userName' is a string: compare it with a \"string\"")]
    [InlineData("title gt null", "'gt' cannot compare with null; use eq or ne")]
    public void Validate_User(string filter, string? problem) =>
        Assert.Equal(problem, ScimFilter.Parse(filter).Validate(ScimResourceType.User));

    [Theory]
    [InlineData("displayName eq \"Eng\" and members[value eq \"2819c223\"]", null)]
    [InlineData("userName eq \"x\"", "'userName' is not an attribute of Group resources")]
    public void Validate_Group(string filter, string? problem) =>
        Assert.Equal(problem, ScimFilter.Parse(filter).Validate(ScimResourceType.Group));

    [Theory]
    [InlineData("storageGb co 5", "'co' does not apply to the number 'storageGb'")]
    [InlineData("storageGb gt \"5\"", "'storageGb' is a number: compare it with a number")]
    public void Validate_Numbers(string filter, string problem) =>
        Assert.Equal(problem, ScimFilter.Parse(filter).Validate(ScimJsonFixtures.Device));

    [Fact]
    public void Parse_ForAType_ThrowsInvalidFilterForEitherMistake()
    {
        Assert.Equal("invalidFilter", Assert.Throws<ScimException>(() => ScimFilter.Parse("foo eq \"x\"", ScimResourceType.User)).ScimType);
        Assert.Equal("invalidFilter", Assert.Throws<ScimException>(() => ScimFilter.Parse("userName eq", ScimResourceType.User)).ScimType);
        Assert.IsType<Comparison>(ScimFilter.Parse("userName eq \"x\"", ScimResourceType.User));
    }

    [Theory]
    [InlineData("userName eq \"Bob\"", "userName", "Bob")]
    [InlineData("USERNAME Eq \"Bob\"", "userName", "Bob")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"Bob\"", "userName", "Bob")]
    [InlineData("userName eq \"Bob\" and active eq true", "userName", "Bob")]
    [InlineData("active eq true and (title pr and userName eq \"Bob\")", "userName", "Bob")]
    [InlineData("externalId eq \"e-1\"", "externalId", "e-1")]
    [InlineData("displayName eq \"Tour Guides\"", "displayName", "Tour Guides")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"7\"",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "7")]
    [InlineData("userName eq \"Bob\" or userName eq \"Al\"", "userName", null)]
    [InlineData("userName co \"Bob\"", "userName", null)]
    [InlineData("not (userName eq \"Bob\")", "userName", null)]
    [InlineData("userName eq 5", "userName", null)]
    [InlineData("userName eq null", "userName", null)]
    [InlineData("emails[value eq \"Bob\"]", "userName", null)]
    [InlineData("externalId eq \"e-1\"", "userName", null)]
    [InlineData("name.givenName eq \"Bob\"", "name", null)]
    [InlineData("urn:example:other:User:userName eq \"Bob\"", "userName", null)]
    public void TryGetEquality_RecognisesWhatAnIndexCanServe(string filter, string attribute, string? value)
    {
        var found = ScimFilter.TryGetEquality(ScimFilter.Parse(filter), attribute, out var equal);

        Assert.Equal(value is not null, found);
        if (value is not null) Assert.Equal(value, equal);
    }
}
