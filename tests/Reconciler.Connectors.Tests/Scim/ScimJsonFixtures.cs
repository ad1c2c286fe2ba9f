using System.Text.Json.Nodes;
using Reconciler.Connectors.Scim;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>Resources the SCIM tests share, written as a client would see them on the wire.</summary>
internal static class ScimJsonFixtures
{
    public const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>Barbara Jensen with two emails, a manager and a department.</summary>
    public static JsonObject Barbara() => Parse($$"""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "{{Enterprise}}"],
          "id": "2819c223",
          "externalId": "ext-Abc",
          "userName": "Bjensen@example.com",
          "name": { "givenName": "Barbara", "familyName": "Jensen", "formatted": "Ms. Barbara J Jensen" },
          "displayName": "Babs Jensen",
          "title": "Tour Guide",
          "active": true,
          "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
          ],
          "groups": [ { "value": "e9e30dba", "display": "Tour Guides" } ],
          "meta": {
            "resourceType": "User",
            "created": "2011-08-01T18:29:49.793Z",
            "lastModified": "2011-08-01T20:00:00+02:00"
          },
          "{{Enterprise}}": {
            "employeeNumber": "701984",
            "department": "Sales",
            "manager": { "value": "26118915", "displayName": "John Smith" }
          }
        }
        """);

    /// <summary>A group with two members.</summary>
    public static JsonObject TourGuides() => Parse("""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
          "id": "e9e30dba",
          "displayName": "Tour Guides",
          "members": [
            { "value": "2819c223", "display": "Babs Jensen", "type": "User" },
            { "value": "902c246b", "display": "Mandy Pepperidge", "type": "User" }
          ],
          "meta": { "resourceType": "Group" }
        }
        """);

    /// <summary>A resource type with numbers, for what User and Group do not have.</summary>
    public static ScimResourceType Device { get; } = new("Device", "/Devices", "Backup device",
        new ScimSchema("urn:example:schemas:Device", "Device", "Backup device",
        [
            new ScimAttribute("hostName", ScimType.String) { Required = true },
            new ScimAttribute("storageGb", ScimType.Integer),
            new ScimAttribute("ratio", ScimType.Decimal),
        ]),
        []);

    public static JsonObject Laptop() => Parse("""{ "id": "d1", "hostName": "lt-042", "storageGb": 250, "ratio": 0.25 }""");

    public static string[] Members(JsonObject group) =>
        group["members"] is JsonArray members ? members.Select(m => (string)m!["value"]!).ToArray() : [];
}
