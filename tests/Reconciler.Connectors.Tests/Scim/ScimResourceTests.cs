using System.Text.Json.Nodes;
using Reconciler.Connectors.Scim;
using static Reconciler.Connectors.Tests.Scim.ScimJsonFixtures;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>POST and PUT bodies as identity providers send them, made into the resource to store, or refused.</summary>
public sealed class ScimResourceTests
{
    private static JsonObject Validate(string body, ScimResourceType? type = null) =>
        ScimResource.Validate(JsonNode.Parse(body)!, type ?? ScimResourceType.User);

    private static ScimException Refused(string body, ScimResourceType? type = null) =>
        Assert.Throws<ScimException>(() => Validate(body, type));

    [Fact]
    public void EntraCreateUser_KeepsWhatItDefines_AndDropsReadOnlyAttributesAndUnsupportedExtensions()
    {
        var user = Validate($$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "{{Enterprise}}"],
              "id": "client-chosen",
              "externalId": "0a21f0f2",
              "userName": "Test_User@contoso.example",
              "active": "True",
              "emails": [ { "primary": true, "type": "work", "value": "test.user@contoso.example" } ],
              "meta": { "resourceType": "User" },
              "name": { "formatted": "Test User", "familyName": "User", "givenName": "Test" },
              "roles": [],
              "groups": [ { "value": "admins" } ],
              "urn:ietf:params:scim:schemas:extension:custom:2.0:User": { "worksiteId": "180" },
              "{{Enterprise}}": { "department": "Finance", "manager": { "value": "7bac06aa", "displayName": "Boss" } }
            }
            """);

        Assert.Equal($$$$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{{{Enterprise}}}}"],"externalId":"0a21f0f2","userName":"Test_User@contoso.example","active":true,"emails":[{"primary":true,"type":"work","value":"test.user@contoso.example"}],"name":{"formatted":"Test User","familyName":"User","givenName":"Test"},"{{{{Enterprise}}}}":{"department":"Finance","manager":{"value":"7bac06aa"}}}""",
            user.ToJsonString());
    }

    [Theory]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "favouriteColour": "teal" }""", "'favouriteColour'")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "shoeSize": "44" } }""", "shoeSize")]
    public void AnAttributeTheResourceTypeDoesNotDefine_IsRefused(string body, string named)
    {
        var refused = Assert.Throws<ScimException>(() => Validate(body));

        Assert.Equal((400, "invalidSyntax"), (refused.Status, refused.ScimType));
        Assert.Contains(named, refused.Detail);
    }

    [Fact]
    public void OktaCreateGroup_WithEmptyMembers()
    {
        var group = Validate("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Test SCIMv2", "members": [] }""", ScimResourceType.Group);

        Assert.Equal("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2"}""", group.ToJsonString());
    }

    [Fact]
    public void ExtensionInTheBody_ButNotInSchemas_IsListed()
    {
        var user = Validate($$"""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "{{Enterprise}}": { "costCenter": "4130" } }""");

        Assert.Equal($$"""["urn:ietf:params:scim:schemas:core:2.0:User","{{Enterprise}}"]""", user["schemas"]!.ToJsonString());
    }

    [Fact]
    public void SeveralPrimaries_TheFirstStaysPrimary()
    {
        var user = Validate("""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada",
              "emails": [ { "value": "a@x.example", "primary": true }, { "value": "b@x.example", "primary": "true" } ] }
            """);

        Assert.Equal([true, false], user["emails"]!.AsArray().Select(e => (bool?)e!["primary"]));
    }

    [Theory]
    [InlineData("""[]""", "invalidSyntax", "the body must be a JSON object, not an array")]
    [InlineData("""{ "userName": "ada" }""", "invalidSyntax", "schemas must list urn:ietf:params:scim:schemas:core:2.0:User")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "userName": "ada" }""", "invalidSyntax", "schemas must list urn:ietf:params:scim:schemas:core:2.0:User")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"] }""", "invalidValue", "userName is required")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "" }""", "invalidValue", "userName is required")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": 7 }""", "invalidValue", "userName must be a string, not the number 7")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "active": "yes" }""", "invalidValue", "active must be true or false, not the string 'yes'")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada\u0000" }""", "invalidValue", "userName contains the control character U+0000 ('ada\\u{0000}')")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "Sales" }""",
        "invalidValue", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User must be an object of attributes, not the string 'Sales'")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "x509Certificates": [ { "value": "not base64!" } ] }""",
        "invalidValue", "x509Certificates.value must be base64")]
    public void BadBodies_Are400(string body, string scimType, string detail)
    {
        var problem = Refused(body);

        Assert.Equal((400, scimType, detail), (problem.Status, problem.ScimType, problem.Detail));
    }

    [Fact]
    public void GroupWithoutDisplayName_IsRefused()
    {
        var problem = Refused("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "members": [] }""", ScimResourceType.Group);

        Assert.Equal(("invalidValue", "displayName is required"), (problem.ScimType, problem.Detail));
    }

    [Theory]
    [InlineData(2048, null)]
    [InlineData(2049, "displayName is 2,049 characters long; at most 2,048 are allowed")]
    public void LongStrings_AreRefusedPastTheLimit(int length, string? detail)
    {
        var body = $$"""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "displayName": "{{new string('d', length)}}" }""";

        if (detail is null) Assert.Equal(length, ((string)Validate(body)["displayName"]!).Length);
        else Assert.Equal(detail, Refused(body).Detail);
    }
}
