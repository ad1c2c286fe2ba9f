using System.Text.Json.Nodes;
using Reconciler.Connectors.Scim;
using Reconciler.Core.Text;
using static Reconciler.Connectors.Tests.Scim.ScimJsonFixtures;
using static Reconciler.Connectors.Tests.Scim.ScimPatchTests;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>
/// The PATCH requests a service provider refuses, each with the status and scimType of RFC 7644 §3.12 a client acts
/// on: mutability for read-only, immutable and required attributes, invalidPath, invalidFilter, invalidValue,
/// invalidSyntax for malformed bodies and more than 1,000 operations.
/// </summary>
public sealed class ScimPatchRefusalTests
{
    private static ScimException Refused(JsonObject resource, ScimResourceType type, params string[] operations) =>
        Assert.Throws<ScimException>(() => Patch(resource, type, operations));

    private static JsonObject PatchUser(params string[] operations) => Patch(Barbara(), ScimResourceType.User, operations);

    [Theory]
    [InlineData("""{ "op": "replace", "path": "id", "value": "other" }""", "id is readOnly")]
    [InlineData("""{ "op": "remove", "path": "id" }""", "id is readOnly")]
    [InlineData("""{ "op": "replace", "path": "meta.created", "value": "2020-01-01T00:00:00Z" }""", "meta is readOnly")]
    [InlineData("""{ "op": "replace", "path": "meta", "value": { "resourceType": "Group" } }""", "meta is readOnly")]
    [InlineData("""{ "op": "add", "path": "groups", "value": [ { "value": "admins" } ] }""", "groups is readOnly")]
    [InlineData("""{ "op": "remove", "path": "groups[value eq \"e9e30dba\"]" }""", "groups is readOnly")]
    [InlineData("""{ "op": "remove", "path": "userName" }""", "userName is required: it can be replaced, not removed")]
    [InlineData("""{ "op": "replace", "path": "userName", "value": "" }""", "userName is required: it can be replaced, not removed")]
    [InlineData("""{ "op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName", "value": "Boss" }""",
        "displayName is readOnly")]
    [InlineData("""{ "op": "replace", "value": { "id": "other" } }""", "id is readOnly")]
    public void ReadOnlyAndRequired_RefuseChangesWith400Mutability(string operation, string detail)
    {
        var problem = Refused(Barbara(), ScimResourceType.User, operation);

        Assert.Equal((400, "mutability"), (problem.Status, problem.ScimType));
        Assert.EndsWith(detail, problem.Detail);
    }

    [Fact]
    public void Immutable_MemberValue_CannotChange_ButMembersComeAndGo()
    {
        var problem = Refused(TourGuides(), ScimResourceType.Group,
            """{ "op": "replace", "path": "members[value eq \"902c246b\"].value", "value": "nobody" }""");
        Assert.Equal("mutability", problem.ScimType);
        Assert.EndsWith("value is immutable: it already has a value", problem.Detail);

        var group = Patch(TourGuides(), ScimResourceType.Group,
            """{ "op": "remove", "path": "members[value eq \"902c246b\"]" }""",
            """{ "op": "add", "path": "members", "value": [ { "value": "6c5bb468", "type": "User" } ] }""",
            """{ "op": "replace", "path": "members[value eq \"6c5bb468\"].display", "value": "Ada" }""");
        Assert.Equal(["2819c223", "6c5bb468"], Members(group));
    }

    [Theory]
    [InlineData("""{ "op": "replace", "path": "nickname2", "value": "x" }""", "invalidPath", "'nickname2' is not an attribute of User resources")]
    [InlineData("""{ "op": "replace", "path": "name.nick", "value": "x" }""", "invalidPath", "'name.nick' is not an attribute of User resources")]
    [InlineData("""{ "op": "replace", "path": "emails[type eq \"work\"].foo", "value": "x" }""", "invalidPath", "'foo' is not a sub-attribute of emails")]
    [InlineData("""{ "op": "replace", "path": "emails[type eq", "value": "x" }""", "invalidPath", "Operations[0].path: invalid path at character 15: expected a value")]
    [InlineData("""{ "op": "replace", "path": "title[value eq \"x\"]", "value": "x" }""", "invalidPath", "'title' is not a multi-valued complex attribute: it takes no value filter")]
    [InlineData("""{ "op": "remove", "path": "emails[foo eq \"x\"]" }""", "invalidFilter", "'foo' is not a sub-attribute of emails")]
    [InlineData("""{ "op": "replace", "path": "members", "value": [] }""", "invalidPath", "'members' is not an attribute of User resources")]
    [InlineData("""{ "op": "replace", "value": { "active": false, "shoeSize": 44 } }""", "invalidPath", "'shoeSize' is not an attribute of User resources")]
    public void UnknownOrMalformedPaths_Are400(string operation, string scimType, string detail)
    {
        var problem = Refused(Barbara(), ScimResourceType.User, operation);

        Assert.Equal((400, scimType), (problem.Status, problem.ScimType));
        Assert.Contains(detail, problem.Detail);
    }

    [Theory]
    [InlineData("""{ "op": "replace", "path": "active", "value": "maybe" }""", "active must be true or false, not the string 'maybe'")]
    [InlineData("""{ "op": "replace", "path": "active", "value": 1 }""", "active must be true or false, not the number 1")]
    [InlineData("""{ "op": "replace", "path": "userName", "value": 42 }""", "userName must be a string, not the number 42")]
    [InlineData("""{ "op": "replace", "path": "name", "value": "Ada" }""", "name must be an object, not the string 'Ada'")]
    [InlineData("""{ "op": "replace", "path": "emails", "value": [ { "value": true } ] }""", "emails.value must be a string, not the boolean true")]
    [InlineData("""{ "op": "replace", "path": "displayName", "value": "Babs\u0007" }""", "displayName contains the control character U+0007 ('Babs\\u{0007}')")]
    [InlineData("""{ "op": "replace", "path": "displayName", "value": "Babs\nJensen" }""", "displayName contains the control character U+000A")]
    public void ValuesOfTheWrongType_Are400InvalidValue(string operation, string detail)
    {
        var problem = Refused(Barbara(), ScimResourceType.User, operation);

        Assert.Equal((400, "invalidValue"), (problem.Status, problem.ScimType));
        Assert.Contains(detail, problem.Detail);
    }

    [Fact]
    public void HugeValue_IsRefused_WithoutBeingEchoed()
    {
        var huge = new string('x', 100_000) + "\u202E";

        var problem = Refused(Barbara(), ScimResourceType.User, $$"""{ "op": "replace", "path": "title", "value": "{{huge}}" }""");

        Assert.Equal("invalidValue", problem.ScimType);
        Assert.EndsWith("title is 100,001 characters long; at most 2,048 are allowed", problem.Detail);
        Assert.Null(SafeText.FirstUnsafe(problem.Detail));
    }

    [Theory]
    [InlineData("""[]""", "the PATCH body must be a JSON object, not an array")]
    [InlineData("""{ "Operations": [ { "op": "remove", "path": "title" } ] }""", "the PATCH body's schemas must be")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "Operations": [ { "op": "remove", "path": "title" } ] }""", "the PATCH body's schemas must be")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] }""", "the PATCH body has no Operations")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [] }""", "the PATCH body has no Operations")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": { "op": "add" } }""", "the PATCH body has no Operations")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [ { "op": "move", "path": "title" } ] }""",
        "Operations[0].op must be \"add\", \"replace\" or \"remove\", not the string 'move'")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [ { "op": "add", "path": "title" } ] }""",
        "Operations[0] (add) has no value")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [ { "op": "add", "path": 5, "value": 1 } ] }""",
        "Operations[0].path must be a string, not the number 5")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [ "add" ] }""",
        "Operations[0] must be an object, not the string 'add'")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [ { "op": "replace", "value": "x" } ] }""",
        "without a path, the value must be an object of attributes, not the string 'x'")]
    public void MalformedBodies_Are400InvalidSyntax(string body, string detail)
    {
        var problem = Assert.Throws<ScimException>(() => ScimPatch.Apply(Barbara(), JsonNode.Parse(body)!, ScimResourceType.User));

        Assert.Equal((400, "invalidSyntax"), (problem.Status, problem.ScimType));
        Assert.Contains(detail, problem.Detail);
    }

    [Theory]
    [InlineData(1000, null)]
    [InlineData(1001, "the PATCH body has 1,001 operations; at most 1,000 are allowed per request")]
    public void AtMostAThousandOperations(int count, string? detail)
    {
        var operations = Enumerable.Range(0, count).Select(i => $$"""{ "op": "replace", "path": "nickName", "value": "n{{i}}" }""").ToArray();

        if (detail is null)
        {
            Assert.Equal("n999", Text(PatchUser(operations)["nickName"]));
            return;
        }
        var problem = Refused(Barbara(), ScimResourceType.User, operations);
        Assert.Equal(("invalidSyntax", detail), (problem.ScimType, problem.Detail));
    }
}
