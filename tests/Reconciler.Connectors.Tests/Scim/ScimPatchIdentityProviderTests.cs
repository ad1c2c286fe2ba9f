using System.Text.Json.Nodes;
using Reconciler.Connectors.Scim;
using static Reconciler.Connectors.Tests.Scim.ScimJsonFixtures;
using static Reconciler.Connectors.Tests.Scim.ScimPatchTests;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>
/// The PATCH requests identity providers document sending, in their shapes (values are ours):
/// Microsoft Entra ID — "Known issues and resolutions with SCIM 2.0 protocol compliance" (requests with and without
/// the aadOptscim062020 flag) and "Tutorial: Develop and plan provisioning for a SCIM endpoint" (learn.microsoft.com,
/// MicrosoftDocs/entra-docs); the manager as <c>{"value": id}</c> from the Entra SCIM API reference.
/// Okta — "SCIM 2.0 reference" (developer.okta.com, okta/okta-developer-docs): deactivation, group rename, membership.
/// </summary>
public sealed class ScimPatchIdentityProviderTests
{
    private static JsonObject User() => Barbara();

    private static JsonNode? Value(JsonObject resource, string attribute) => resource[attribute];

    [Theory]
    [InlineData("""{ "op": "Replace", "path": "active", "value": "False" }""")]
    [InlineData("""{ "op": "replace", "path": "active", "value": false }""")]
    [InlineData("""{ "op": "REPLACE", "path": "active", "value": "false" }""")]
    public void Entra_DisableUser_WithOrWithoutTheComplianceFlag_StoresTheBooleanFalse(string operation)
    {
        var user = Patch(User(), ScimResourceType.User, operation);

        Assert.Equal("false", Value(user, "active")!.ToJsonString());
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("add")]
    public void Entra_AddSingleValuedString_InEitherCase(string op)
    {
        var user = Patch(User(), ScimResourceType.User, $$"""{ "op": "{{op}}", "path": "nickName", "value": "Babs" }""");

        Assert.Equal("Babs", (string?)Value(user, "nickName"));
    }

    [Fact]
    public void Entra_ReplaceMultipleAttributes_WithoutTheFlag_OneOperationPerPath()
    {
        var user = Patch(User(), ScimResourceType.User,
            """{ "op": "Replace", "path": "displayName", "value": "Barbara J" }""",
            """{ "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "barbara@tours.example" }""",
            """{ "op": "Replace", "path": "name.givenName", "value": "Barb" }""",
            """{ "op": "Replace", "path": "name.familyName", "value": "Jensen-Smith" }""",
            """{ "op": "Replace", "path": "externalId", "value": "ext-2" }""",
            $$"""{ "op": "Replace", "path": "{{Enterprise}}:employeeNumber", "value": "9001" }""");

        Assert.Equal(("Barbara J", "barbara@tours.example", "Barb", "Jensen-Smith", "ext-2", "9001"),
            ((string?)user["displayName"], (string?)user["emails"]![0]!["value"], (string?)user["name"]!["givenName"],
             (string?)user["name"]!["familyName"], (string?)user["externalId"], (string?)user[Enterprise]!["employeeNumber"]));
        Assert.Equal("babs@jensen.org", (string?)user["emails"]![1]!["value"]);
    }

    [Fact]
    public void Entra_ReplaceMultipleAttributes_WithTheFlag_PathlessValueWithDottedAndUrnKeys()
    {
        var user = Patch(User(), ScimResourceType.User,
            """{ "op": "replace", "path": "emails[type eq \"work\"].value", "value": "barbara@tours.example" }""",
            $$"""
            { "op": "replace", "value": {
                "displayName": "Barbara J",
                "name.givenName": "Barb",
                "name.familyName": "Jensen-Smith",
                "{{Enterprise}}:employeeNumber": "9001",
                "{{Enterprise}}:department": "Research",
                "active": "True"
            } }
            """);

        Assert.Equal("""{"givenName":"Barb","familyName":"Jensen-Smith","formatted":"Ms. Barbara J Jensen"}""", user["name"]!.ToJsonString());
        Assert.Equal(("Barbara J", "barbara@tours.example", "9001", "Research"),
            ((string?)user["displayName"], (string?)user["emails"]![0]!["value"], (string?)user[Enterprise]!["employeeNumber"],
             (string?)user[Enterprise]!["department"]));
        Assert.Equal("true", user["active"]!.ToJsonString());
        Assert.False(user.ContainsKey("name.givenName"));
    }

    [Fact]
    public void Entra_PathlessValue_WithAnAttributeThisServerDoesNotHave_AppliesTheRest()
    {
        var user = Patch(User(), ScimResourceType.User,
            """{ "op": "replace", "value": { "urn:ietf:params:scim:schemas:extension:custom:2.0:User:worksiteId": "180", "active": false } }""");

        Assert.Equal("false", user["active"]!.ToJsonString());
        Assert.False(user.ContainsKey("urn:ietf:params:scim:schemas:extension:custom:2.0:User:worksiteId"));
    }

    [Fact]
    public void Entra_AddWorkEmail_ThroughAFilterThatMatchesNothing_CreatesTheWorkEmail()
    {
        var stored = Parse("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1", "userName": "joe@contoso.example" }""");

        var user = Patch(stored, ScimResourceType.User,
            """{ "op": "Replace", "path": "title", "value": "tester" }""",
            """{ "op": "Add", "path": "emails[type eq \"work\"].value", "value": "joe@contoso.example" }""");

        Assert.Equal("""[{"type":"work","value":"joe@contoso.example"}]""", user["emails"]!.ToJsonString());
        Assert.Equal("tester", (string?)user["title"]);
    }

    [Fact]
    public void Entra_RemoveMember_WithoutTheFlag_ValueListRemovesJustThoseMembers()
    {
        var group = Patch(TourGuides(), ScimResourceType.Group,
            """{ "op": "Remove", "path": "members", "value": [ { "value": "902c246b" } ] }""");

        Assert.Equal(["2819c223"], Members(group));
    }

    [Fact]
    public void Entra_RemoveMember_WithTheFlag_ValueFilter()
    {
        var group = Patch(TourGuides(), ScimResourceType.Group, """{ "op": "remove", "path": "members[value eq \"2819c223\"]" }""");

        Assert.Equal(["902c246b"], Members(group));
    }

    [Fact]
    public void Entra_RemoveMember_ThatIsNotThere_ByValueList_ChangesNothing()
    {
        var group = Patch(TourGuides(), ScimResourceType.Group,
            """{ "op": "Remove", "path": "members", "value": [ { "value": "gone" } ] }""",
            """{ "op": "Remove", "path": "members", "value": [] }""");

        Assert.Equal(["2819c223", "902c246b"], Members(group));
    }

    [Fact]
    public void Entra_AddMembers_WithNullRef_AddsThemOnce()
    {
        const string add = """{ "op": "Add", "path": "members", "value": [ { "$ref": null, "value": "f648f8d5" } ] }""";

        var group = Patch(TourGuides(), ScimResourceType.Group, add, add);

        Assert.Equal(["2819c223", "902c246b", "f648f8d5"], Members(group));
        Assert.Equal("""{"value":"f648f8d5"}""", group["members"]![2]!.ToJsonString());
    }

    [Fact]
    public void Entra_CreatedGroupWithoutMembers_GetsItsFirstMember()
    {
        var empty = Parse("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "Eng", "members": [] }""");

        var group = Patch(empty, ScimResourceType.Group, """{ "op": "Add", "path": "members", "value": [ { "value": "u1" } ] }""");

        Assert.Equal(["u1"], Members(group));
    }

    [Theory]
    [InlineData("""{ "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "boss-1" }""")]
    [InlineData("""{ "op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": { "value": "boss-1" } }""")]
    [InlineData("""{ "op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "value": "boss-1" }""")]
    [InlineData("""{ "op": "replace", "value": { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "boss-1" } }""")]
    [InlineData("""{ "op": "replace", "value": { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "manager": { "value": "boss-1" } } } }""")]
    public void Entra_Manager_InItsShapes_SetsTheManagersId(string operation)
    {
        var user = Patch(User(), ScimResourceType.User, operation);

        Assert.Equal("boss-1", (string?)user[Enterprise]!["manager"]!["value"]);
    }

    [Fact]
    public void Entra_Manager_OnAUserWithoutTheExtension_AddsTheExtension()
    {
        var stored = Parse("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1", "userName": "joe" }""");

        var user = Patch(stored, ScimResourceType.User, $$"""{ "op": "Add", "path": "{{Enterprise}}:manager", "value": "boss-1" }""");

        Assert.Equal($$$$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{{{Enterprise}}}}"],"id":"u1","userName":"joe","{{{{Enterprise}}}}":{"manager":{"value":"boss-1"}}}""",
            user.ToJsonString());
    }

    [Theory]
    [InlineData("""{ "op": "Remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager" }""")]
    [InlineData("""{ "op": "Remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": [ { "value": "26118915" } ] }""")]
    [InlineData("""{ "op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": null }""")]
    public void Entra_RemoveManager_KeepsTheRestOfTheExtension(string operation)
    {
        var user = Patch(User(), ScimResourceType.User, operation);

        Assert.Equal("""{"employeeNumber":"701984","department":"Sales"}""", user[Enterprise]!.ToJsonString());
    }

    [Fact]
    public void Entra_GraphStyle_LowercaseOperationsMember_IsAccepted()
    {
        var body = JsonNode.Parse("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "operations": [ { "op": "replace", "path": "title", "value": "Lead" } ] }""")!;

        Assert.Equal("Lead", (string?)ScimPatch.Apply(User(), body, ScimResourceType.User)["title"]);
    }

    [Fact]
    public void Okta_Deactivate_PathlessReplaceOfActive()
    {
        var user = Patch(User(), ScimResourceType.User, """{ "op": "replace", "value": { "active": false } }""");

        Assert.Equal("false", user["active"]!.ToJsonString());
    }

    [Fact]
    public void Okta_RenameGroup_PathlessReplaceRepeatingTheId()
    {
        var group = Patch(TourGuides(), ScimResourceType.Group,
            """{ "op": "replace", "value": { "id": "e9e30dba", "displayName": "Tour Guides EMEA" } }""");

        Assert.Equal(("e9e30dba", "Tour Guides EMEA"), ((string?)group["id"], (string?)group["displayName"]));

        var problem = Assert.Throws<ScimException>(() => Patch(TourGuides(), ScimResourceType.Group,
            """{ "op": "replace", "value": { "id": "another", "displayName": "Tour Guides EMEA" } }"""));
        Assert.Equal("mutability", problem.ScimType);
    }

    [Fact]
    public void Okta_MembershipUpdate_RemoveByFilterThenAdd_InOneRequest()
    {
        var group = Patch(TourGuides(), ScimResourceType.Group,
            """{ "op": "remove", "path": "members[value eq \"902c246b\"]" }""",
            """{ "op": "add", "path": "members", "value": [ { "value": "23a35c27", "display": "test.user@okta.local" } ] }""");

        Assert.Equal(["2819c223", "23a35c27"], Members(group));
        Assert.Equal("test.user@okta.local", (string?)group["members"]![1]!["display"]);
    }

    [Fact]
    public void Okta_ReplaceMembers_WithTheFullList()
    {
        var group = Patch(TourGuides(), ScimResourceType.Group,
            """{ "op": "replace", "path": "members", "value": [ { "value": "23a35c27", "display": "a" }, { "value": "902c246b", "display": "b" } ] }""");

        Assert.Equal(["23a35c27", "902c246b"], Members(group));
    }

    [Fact]
    public void Okta_RemoveMember_ThatIsNotThere_ByFilter_IsNoTarget()
    {
        var problem = Assert.Throws<ScimException>(() => Patch(TourGuides(), ScimResourceType.Group,
            """{ "op": "remove", "path": "members[value eq \"89bb1940\"]" }"""));

        Assert.Equal((400, "noTarget"), (problem.Status, problem.ScimType));
    }

    [Fact]
    public void LargeGroups_AddAndRemoveByValueList_KeepEachMemberOnce()
    {
        var group = Parse("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "All" }""");
        group["members"] = new JsonArray(Enumerable.Range(0, 20_000).Select(i => (JsonNode?)new JsonObject { ["value"] = $"u{i}" }).ToArray());
        string Values(IEnumerable<int> ids) => string.Join(",", ids.Select(i => $$"""{ "value": "u{{i}}" }"""));

        var patched = Patch(group, ScimResourceType.Group,
            $$"""{ "op": "Add", "path": "members", "value": [ {{Values(Enumerable.Range(10_000, 20_000))}} ] }""",
            $$"""{ "op": "Remove", "path": "members", "value": [ {{Values(Enumerable.Range(0, 15_000))}} ] }""");

        Assert.Equal(Enumerable.Range(15_000, 15_000).Select(i => $"u{i}"), Members(patched));
    }
}
