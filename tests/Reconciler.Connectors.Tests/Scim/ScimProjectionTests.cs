using System.Text.Json.Nodes;
using Reconciler.Connectors.Scim;
using static Reconciler.Connectors.Tests.Scim.ScimJsonFixtures;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>What a GET shows for <c>attributes</c> and <c>excludedAttributes</c> (RFC 7644 §3.4.2.5, §3.9).</summary>
public sealed class ScimProjectionTests
{
    private static JsonObject WithPassword()
    {
        var user = Barbara();
        user["password"] = "t1meMa$heen";
        return user;
    }

    private static string[] Keys(JsonObject json) => json.Select(m => m.Key).ToArray();

    [Fact]
    public void Default_ShowsEverythingButNeverReturnedAttributes()
    {
        var shown = ScimProjection.Apply(WithPassword(), ScimResourceType.User, null, null);

        Assert.DoesNotContain("password", Keys(shown));
        Assert.Equal(Keys(Barbara()), Keys(shown));
    }

    [Fact]
    public void Attributes_LimitToThose_PlusIdAndSchemas()
    {
        var shown = ScimProjection.Apply(WithPassword(), ScimResourceType.User, ["userName", "password", "nope"], null);

        Assert.Equal("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"2819c223","userName":"Bjensen@example.com"}""",
            shown.ToJsonString());
    }

    [Fact]
    public void Attributes_SubAttributes_SelectPartsOfTheirAttribute()
    {
        var shown = ScimProjection.Apply(Barbara(), ScimResourceType.User, ["name.givenName", "EMAILS.VALUE", $"{Enterprise}:manager.value"], null);

        Assert.Equal("""{"givenName":"Barbara"}""", shown["name"]!.ToJsonString());
        Assert.Equal("""[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}]""", shown["emails"]!.ToJsonString());
        Assert.Equal("""{"manager":{"value":"26118915"}}""", shown[Enterprise]!.ToJsonString());
        Assert.Equal(["schemas", "id", "name", "emails", Enterprise], Keys(shown));
    }

    [Fact]
    public void Attributes_AnExtensionUrn_SelectsTheWholeExtension()
    {
        var shown = ScimProjection.Apply(Barbara(), ScimResourceType.User, [Enterprise], null);

        Assert.Equal(Barbara()[Enterprise]!.ToJsonString(), shown[Enterprise]!.ToJsonString());
        Assert.Equal(["schemas", "id", Enterprise], Keys(shown));
    }

    [Fact]
    public void ExcludedAttributes_RemoveThose_ButNeverId()
    {
        var shown = ScimProjection.Apply(Barbara(), ScimResourceType.User, null, ["emails", "id", "name.formatted", $"{Enterprise}:manager", "meta"]);

        Assert.Equal(["schemas", "id", "externalId", "userName", "name", "displayName", "title", "active", "groups", Enterprise], Keys(shown));
        Assert.Equal("""{"givenName":"Barbara","familyName":"Jensen"}""", shown["name"]!.ToJsonString());
        Assert.Equal("""{"employeeNumber":"701984","department":"Sales"}""", shown[Enterprise]!.ToJsonString());
    }

    [Fact]
    public void ExcludedAttributes_EntraGetGroupWithoutMembers()
    {
        var shown = ScimProjection.Apply(TourGuides(), ScimResourceType.Group, null, ["members"]);

        Assert.Equal("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"e9e30dba","displayName":"Tour Guides","meta":{"resourceType":"Group"}}""",
            shown.ToJsonString());
    }

    [Fact]
    public void Projection_NeverChangesTheStoredResource()
    {
        var user = Barbara();
        var before = user.ToJsonString();

        ScimProjection.Apply(user, ScimResourceType.User, ["emails.value"], ["name"]);

        Assert.Equal(before, user.ToJsonString());
    }
}
