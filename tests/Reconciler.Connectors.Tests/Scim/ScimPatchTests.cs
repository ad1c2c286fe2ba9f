using System.Text.Json.Nodes;
using Reconciler.Connectors.Scim;
using static Reconciler.Connectors.Tests.Scim.ScimJsonFixtures;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>PATCH as RFC 7644 §3.5.2 describes it: add, replace and remove, with and without paths and value filters.</summary>
public sealed class ScimPatchTests
{
    internal static JsonObject Patch(JsonObject resource, ScimResourceType type, params string[] operations) =>
        ScimPatch.Apply(resource, Body(operations), type);

    internal static JsonNode Body(params string[] operations) =>
        JsonNode.Parse($$"""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{{string.Join(",", operations)}}] }""")!;

    private static JsonObject PatchUser(params string[] operations) => Patch(Barbara(), ScimResourceType.User, operations);

    private static ScimException Refused(JsonObject resource, ScimResourceType type, params string[] operations) =>
        Assert.Throws<ScimException>(() => Patch(resource, type, operations));

    internal static string? Text(JsonNode? node) => node?.GetValue<string>();

    [Fact]
    public void Add_WithPath_SetsASingleValue()
    {
        var user = PatchUser("""{ "op": "add", "path": "nickName", "value": "Babs" }""");

        Assert.Equal("Babs", Text(user["nickName"]));
    }

    [Fact]
    public void Add_WithoutPath_AddsEachAttributeOfTheValue_AppendingToMultiValued()
    {
        var user = PatchUser("""{ "op": "add", "value": { "nickName": "Babs", "emails": [ { "value": "b@tours.example", "type": "other" } ] } }""");

        Assert.Equal("Babs", Text(user["nickName"]));
        Assert.Equal(["bjensen@example.com", "babs@jensen.org", "b@tours.example"], user["emails"]!.AsArray().Select(e => Text(e!["value"])));
    }

    [Fact]
    public void Add_AValueAlreadyThere_IsNotDoubled()
    {
        var user = PatchUser("""{ "op": "add", "path": "emails", "value": [ { "value": "BJENSEN@example.com", "type": "work", "display": "Work" } ] }""");

        var emails = user["emails"]!.AsArray();
        Assert.Equal(2, emails.Count);
        Assert.Equal("Work", Text(emails[0]!["display"]));
    }

    [Theory]
    [InlineData("add")]
    [InlineData("replace")]
    public void AddOrReplace_OfAComplexValue_MergesSubAttributes(string op)
    {
        var user = PatchUser($$"""{ "op": "{{op}}", "path": "name", "value": { "givenName": "Barb", "middleName": "J" } }""");

        Assert.Equal("""{"givenName":"Barb","familyName":"Jensen","formatted":"Ms. Barbara J Jensen","middleName":"J"}""", user["name"]!.ToJsonString());
    }

    [Fact]
    public void Replace_OfAMultiValuedAttribute_ReplacesTheWholeList()
    {
        var user = PatchUser("""{ "op": "replace", "path": "emails", "value": [ { "value": "babs@new.example", "type": "work" } ] }""");

        Assert.Equal("""[{"value":"babs@new.example","type":"work"}]""", user["emails"]!.ToJsonString());
    }

    [Fact]
    public void Replace_ThroughAValueFilterAndSubAttribute_ChangesOnlyTheMatchingValue()
    {
        var user = PatchUser("""{ "op": "replace", "path": "emails[type eq \"work\"].value", "value": "barbara@example.com" }""");

        Assert.Equal(["barbara@example.com", "babs@jensen.org"], user["emails"]!.AsArray().Select(e => Text(e!["value"])));
    }

    [Fact]
    public void Replace_ThroughAValueFilter_ReplacesTheMatchingValue()
    {
        var user = PatchUser("""{ "op": "replace", "path": "emails[type eq \"home\"]", "value": { "value": "babs@home.example", "type": "home" } }""");

        Assert.Equal("""{"value":"babs@home.example","type":"home"}""", user["emails"]![1]!.ToJsonString());
    }

    [Fact]
    public void Remove_SingleValued_Unassigns()
    {
        var user = PatchUser("""{ "op": "remove", "path": "title" }""");

        Assert.False(user.ContainsKey("title"));
    }

    [Fact]
    public void Remove_MultiValuedWithoutFilter_RemovesEveryValue()
    {
        var user = PatchUser("""{ "op": "remove", "path": "emails" }""");

        Assert.False(user.ContainsKey("emails"));
    }

    [Fact]
    public void Remove_WithFilter_RemovesTheMatchingValuesOnly()
    {
        var user = PatchUser("""{ "op": "remove", "path": "emails[type eq \"home\"]" }""");

        Assert.Equal(["bjensen@example.com"], user["emails"]!.AsArray().Select(e => Text(e!["value"])));
    }

    [Fact]
    public void Remove_SubAttributeOfFilteredValues()
    {
        var user = PatchUser("""{ "op": "remove", "path": "emails[type eq \"work\"].primary" }""");

        Assert.Equal("""{"value":"bjensen@example.com","type":"work"}""", user["emails"]![0]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{ "op": "remove", "path": "emails[type eq \"other\"]" }""", "noTarget", "no value of emails matches [type eq \"other\"]")]
    [InlineData("""{ "op": "remove" }""", "noTarget", "remove needs a path")]
    [InlineData("""{ "op": "replace", "path": "emails[value sw \"x\"].type", "value": "home" }""", "noTarget", "no value of emails matches [value sw \"x\"]")]
    public void Remove_ThatFindsNothing_IsNoTarget(string operation, string scimType, string detail)
    {
        var problem = Refused(Barbara(), ScimResourceType.User, operation);

        Assert.Equal((400, scimType), (problem.Status, problem.ScimType));
        Assert.EndsWith(detail, problem.Detail);
    }

    [Fact]
    public void Add_APrimaryValue_ClearsPrimaryOnTheOthers()
    {
        var user = PatchUser("""{ "op": "add", "path": "emails", "value": { "value": "b@tours.example", "type": "other", "primary": "True" } }""");

        Assert.Equal([false, null, true], user["emails"]!.AsArray().Select(e => (bool?)e!["primary"]));
    }

    [Fact]
    public void Replace_PrimaryThroughAFilter_LeavesOnePrimary()
    {
        var user = PatchUser("""{ "op": "replace", "path": "emails[type eq \"home\"].primary", "value": true }""");

        Assert.Equal([false, true], user["emails"]!.AsArray().Select(e => (bool?)e!["primary"]));
    }

    [Fact]
    public void Extension_ByUrnPath_IsWrittenInsideItsObject_AndDroppedWithItsUrnWhenEmpty()
    {
        var user = PatchUser(
            $$"""{ "op": "replace", "path": "{{Enterprise}}:department", "value": "Research" }""",
            $$"""{ "op": "remove", "path": "{{Enterprise}}:manager" }""");

        Assert.Equal("""{"employeeNumber":"701984","department":"Research"}""", user[Enterprise]!.ToJsonString());

        var bare = Patch(user, ScimResourceType.User,
            $$"""{ "op": "remove", "path": "{{Enterprise}}:department" }""",
            $$"""{ "op": "remove", "path": "{{Enterprise}}:employeeNumber" }""");
        Assert.False(bare.ContainsKey(Enterprise));
        Assert.Equal("""["urn:ietf:params:scim:schemas:core:2.0:User"]""", bare["schemas"]!.ToJsonString());

        var again = Patch(bare, ScimResourceType.User, $$"""{ "op": "add", "path": "{{Enterprise}}:costCenter", "value": "4130" }""");
        Assert.Equal("4130", Text(again[Enterprise]!["costCenter"]));
        Assert.Contains(Enterprise, again["schemas"]!.AsArray().Select(Text));
    }

    [Fact]
    public void Paths_IgnoreCase_AndWriteTheSchemaSpelling()
    {
        var stored = Parse("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "NAME": { "GivenName": "Ada" } }""");

        var user = Patch(stored, ScimResourceType.User, """{ "op": "replace", "path": "NAME.GIVENNAME", "value": "Augusta" }""");

        Assert.Equal("""{"givenName":"Augusta"}""", user["NAME"]!.ToJsonString());
    }

    [Fact]
    public void FormattedText_MayHoldNewlines()
    {
        var user = PatchUser("""{ "op": "replace", "path": "name.formatted", "value": "Ms. Barbara\nJensen" }""");

        Assert.Equal("Ms. Barbara\nJensen", Text(user["name"]!["formatted"]));
    }

    [Fact]
    public void AFailingOperation_LeavesTheResourceAsItWas()
    {
        var user = Barbara();
        var before = user.ToJsonString();

        var problem = Refused(user, ScimResourceType.User,
            """{ "op": "replace", "path": "title", "value": "Director" }""",
            """{ "op": "remove", "path": "emails" }""",
            """{ "op": "replace", "path": "id", "value": "stolen" }""");

        Assert.Equal("Operations[2] (replace id): id is readOnly", problem.Detail);
        Assert.Equal(before, user.ToJsonString());
    }

    [Fact]
    public void Apply_NeverChangesItsInput()
    {
        var user = Barbara();
        var before = user.ToJsonString();

        var patched = PatchUser("""{ "op": "replace", "path": "title", "value": "Director" }""");
        var again = Patch(user, ScimResourceType.User, """{ "op": "remove", "path": "emails[type eq \"home\"]" }""");

        Assert.Equal(before, user.ToJsonString());
        Assert.Equal("Director", Text(patched["title"]));
        Assert.Single(again["emails"]!.AsArray());
    }

    [Fact]
    public void ScimException_ToJson_IsTheRfcErrorResponse()
    {
        var problem = Refused(Barbara(), ScimResourceType.User, """{ "op": "replace", "path": "id", "value": "x" }""");

        Assert.Equal("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"mutability","detail":"Operations[0] (replace id): id is readOnly"}""",
            problem.ToJson().ToJsonString());
    }
}
