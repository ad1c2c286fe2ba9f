using Reconciler.Connectors.Scim;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>The schemas served by <c>/Schemas</c> and <c>/ResourceTypes</c>, and attribute lookup by path.</summary>
public sealed class ScimSchemaTests
{
    [Theory]
    [InlineData("userName", "userName", ScimType.String)]
    [InlineData("USERNAME", "userName", ScimType.String)]
    [InlineData("name.givenName", "givenName", ScimType.String)]
    [InlineData("emails.value", "value", ScimType.String)]
    [InlineData("emails.primary", "primary", ScimType.Boolean)]
    [InlineData("meta.lastModified", "lastModified", ScimType.DateTime)]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName", "familyName", ScimType.String)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "department", ScimType.String)]
    [InlineData("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:MANAGER.VALUE", "value", ScimType.String)]
    [InlineData("groups.$ref", "$ref", ScimType.Reference)]
    [InlineData("x509Certificates.value", "value", ScimType.Binary)]
    public void FindAttribute_ByPath(string path, string name, ScimType type)
    {
        var attribute = ScimResourceType.User.FindAttribute(path);

        Assert.Equal((name, type), (attribute?.Name, attribute?.Type));
    }

    [Theory]
    [InlineData("department")]
    [InlineData("name.nick")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName")]
    [InlineData("urn:example:other:User:userName")]
    [InlineData("members")]
    [InlineData("")]
    [InlineData("emails[type eq \"work\"]")]
    public void FindAttribute_Unknown_IsNull(string path) => Assert.Null(ScimResourceType.User.FindAttribute(path));

    [Fact]
    public void Definitions_FollowRfc7643()
    {
        var user = ScimResourceType.User;
        Assert.Equal((ScimMutability.ReadOnly, ScimReturned.Always, true), (user.FindAttribute("id")!.Mutability, user.FindAttribute("id")!.Returned, user.FindAttribute("id")!.CaseExact));
        Assert.Equal((true, ScimUniqueness.Server, false, ScimReturned.Default),
            (user.FindAttribute("userName")!.Required, user.FindAttribute("userName")!.Uniqueness, user.FindAttribute("userName")!.CaseExact, user.FindAttribute("userName")!.Returned));
        Assert.Equal((ScimMutability.WriteOnly, ScimReturned.Never), (user.FindAttribute("password")!.Mutability, user.FindAttribute("password")!.Returned));
        Assert.Equal(ScimMutability.ReadOnly, user.FindAttribute("groups")!.Mutability);
        Assert.Equal(ScimMutability.ReadOnly, user.FindAttribute("meta")!.Mutability);
        Assert.True(ScimResourceType.Group.FindAttribute("displayName")!.Required);
        Assert.Equal(["value", "$ref", "display", "type"], ScimResourceType.Group.FindAttribute("members")!.SubAttributes.Select(s => s.Name));
        Assert.Equal(["value", "$ref", "displayName"], user.FindAttribute("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")!.SubAttributes.Select(s => s.Name));
        Assert.Equal(
            ["userName", "name", "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale", "timezone", "active",
             "password", "emails", "phoneNumbers", "ims", "photos", "addresses", "groups", "entitlements", "roles", "x509Certificates"],
            ScimSchemas.User.Attributes.Select(a => a.Name));
    }

    [Fact]
    public void Schema_ToJson_IsTheSchemasResource()
    {
        var json = ScimSchemas.EnterpriseUser.ToJson("https://reconciler.example/scim/v2/");

        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", (string?)json["id"]);
        Assert.Equal("https://reconciler.example/scim/v2/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", (string?)json["meta"]!["location"]);
        var manager = json["attributes"]!.AsArray().Single(a => (string?)a!["name"] == "manager")!;
        Assert.Equal("""{"name":"manager","type":"complex","multiValued":false,"description":"The user\u0027s manager.","required":false,"subAttributes":[{"name":"value","type":"string","multiValued":false,"description":"Identifier of the manager\u0027s User.","required":false,"caseExact":true,"mutability":"readWrite","returned":"default","uniqueness":"none"},{"name":"$ref","type":"reference","multiValued":false,"description":"URI of the manager\u0027s User.","required":false,"caseExact":true,"referenceTypes":["User"],"mutability":"readWrite","returned":"default","uniqueness":"none"},{"name":"displayName","type":"string","multiValued":false,"description":"Name of the manager.","required":false,"caseExact":false,"mutability":"readOnly","returned":"default","uniqueness":"none"}],"mutability":"readWrite","returned":"default"}""",
            manager.ToJsonString());
    }

    [Fact]
    public void ResourceType_ToJson_IsTheResourceTypesResource()
    {
        Assert.Equal("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],"id":"User","name":"User","endpoint":"/Users","description":"User Account","schema":"urn:ietf:params:scim:schemas:core:2.0:User","schemaExtensions":[{"schema":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","required":false}],"meta":{"resourceType":"ResourceType"}}""",
            ScimResourceType.User.ToJson().ToJsonString());
        Assert.Equal("/Groups", (string?)ScimResourceType.Group.ToJson("https://x/scim/v2")["endpoint"]);
        Assert.Equal("https://x/scim/v2/ResourceTypes/Group", (string?)ScimResourceType.Group.ToJson("https://x/scim/v2")["meta"]!["location"]);
    }
}
