using Reconciler.Connectors.Scim;

namespace Reconciler.Connectors.Tests.Scim;

/// <summary>
/// Which resources a filter selects (RFC 7644 §3.4.2.2), against Barbara Jensen of <see cref="ScimJsonFixtures"/>:
/// caseExact decides string comparisons, dateTime values compare as instants, a multi-valued attribute matches when
/// any value does, and a value path needs one value to match all of its conditions.
/// </summary>
public sealed class ScimFilterMatchTests
{
    private const string Ext = ScimJsonFixtures.Enterprise;

    [Theory]
    // userName is caseExact false; externalId and id are caseExact true
    [InlineData("userName eq \"bjensen@example.com\"", true)]
    [InlineData("USERNAME EQ \"BJENSEN@EXAMPLE.COM\"", true)]
    [InlineData("externalId eq \"ext-Abc\"", true)]
    [InlineData("externalId eq \"ext-abc\"", false)]
    [InlineData("id eq \"2819C223\"", false)]
    [InlineData("name.familyName co \"ens\"", true)]
    [InlineData("name.familyName sw \"jen\"", true)]
    [InlineData("name.familyName ew \"SEN\"", true)]
    [InlineData("name.familyName ew \"Jen\"", false)]
    [InlineData("displayName ne \"Babs Jensen\"", false)]
    [InlineData("displayName ne \"Someone Else\"", true)]
    // strings order lexicographically, ignoring case here
    [InlineData("title gt \"Tour\"", true)]
    [InlineData("title lt \"tour guide\"", false)]
    [InlineData("title le \"tour guide\"", true)]
    [InlineData("title ge \"Zebra\"", false)]
    // presence: absent, null and empty are not present
    [InlineData("title pr", true)]
    [InlineData("nickName pr", false)]
    [InlineData("emails pr", true)]
    [InlineData("nickName eq null", true)]
    [InlineData("title eq null", false)]
    [InlineData("title ne null", true)]
    // ne is not(eq): an absent attribute is not equal
    [InlineData("userType ne \"Employee\"", true)]
    // booleans
    [InlineData("active eq true", true)]
    [InlineData("active eq false", false)]
    [InlineData("active ne false", true)]
    [InlineData("active eq \"True\"", true)]
    // multi-valued: any value; complex without sub-attribute compares value
    [InlineData("emails co \"jensen.org\"", true)]
    [InlineData("emails eq \"BJENSEN@example.com\"", true)]
    [InlineData("emails.type eq \"home\"", true)]
    [InlineData("emails.type eq \"other\"", false)]
    [InlineData("emails.primary eq true", true)]
    // a value path needs one value to satisfy all of it; the flat form may use different values
    [InlineData("emails[type eq \"work\" and value ew \"example.com\"]", true)]
    [InlineData("emails[type eq \"home\" and value ew \"example.com\"]", false)]
    [InlineData("emails.type eq \"home\" and emails.value ew \"example.com\"", true)]
    [InlineData("emails[not (type eq \"work\")]", true)]
    [InlineData("emails[TYPE EQ \"WORK\"]", true)]
    // dateTime compares instants: 20:00+02:00 is 18:00Z, though "2011-08-01T20" sorts after "2011-08-01T18" as text
    [InlineData("meta.lastModified eq \"2011-08-01T18:00:00Z\"", true)]
    [InlineData("meta.lastModified gt \"2011-08-01T18:00:00Z\"", false)]
    [InlineData("meta.lastModified gt \"2011-08-01T17:59:59Z\"", true)]
    [InlineData("meta.lastModified ge \"2011-08-01T18:00:00Z\"", true)]
    [InlineData("meta.created lt \"2011-08-01T18:29:50Z\"", true)]
    [InlineData("meta.created le \"2011-08-01T18:29:49.793Z\"", true)]
    [InlineData("meta.created gt \"2011-08-01T18:29:49.793Z\"", false)]
    // extension attributes by URN; manager is complex, so it compares its value
    [InlineData(Ext + ":department eq \"sales\"", true)]
    [InlineData(Ext + ":manager.value eq \"26118915\"", true)]
    [InlineData(Ext + ":manager eq \"26118915\"", true)]
    [InlineData(Ext + ":costCenter pr", false)]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq \"barbara\"", true)]
    // logic and precedence
    [InlineData("title eq \"nope\" and userName pr or active eq true", true)]
    [InlineData("title eq \"nope\" and (userName pr or active eq true)", false)]
    [InlineData("not (title pr)", false)]
    [InlineData("not (nickName pr) and not (not (title pr))", true)]
    // an attribute the type does not have matches nothing
    [InlineData("unknownAttr eq \"x\"", false)]
    [InlineData("unknownAttr pr", false)]
    [InlineData("not (unknownAttr eq \"x\")", true)]
    [InlineData("urn:example:custom:2.0:User:badge eq \"x\"", false)]
    public void Matches_User(string filter, bool matches) =>
        Assert.Equal(matches, ScimFilter.Parse(filter).Matches(ScimJsonFixtures.Barbara(), ScimResourceType.User));

    [Theory]
    [InlineData("displayName eq \"tour guides\"", true)]
    [InlineData("members eq \"902c246b\"", true)]
    [InlineData("members[value eq \"902c246b\"]", true)]
    [InlineData("members[value eq \"902C246B\"]", false)]
    [InlineData("members.display co \"pepper\"", true)]
    [InlineData("members[type eq \"Group\"]", false)]
    public void Matches_Group(string filter, bool matches) =>
        Assert.Equal(matches, ScimFilter.Parse(filter).Matches(ScimJsonFixtures.TourGuides(), ScimResourceType.Group));

    [Theory]
    [InlineData("storageGb gt 100", true)]
    [InlineData("storageGb gt 1000", false)]
    [InlineData("storageGb eq 250.0", true)]
    [InlineData("storageGb le 250", true)]
    [InlineData("storageGb lt 3e2", true)]
    [InlineData("ratio ge 0.25", true)]
    [InlineData("ratio gt 0.25", false)]
    [InlineData("storageGb eq \"250\"", false)]
    [InlineData("hostName gt \"lt-041\"", true)]
    public void Matches_Numbers_CompareAsNumbers(string filter, bool matches) =>
        Assert.Equal(matches, ScimFilter.Parse(filter).Matches(ScimJsonFixtures.Laptop(), ScimJsonFixtures.Device));

    [Fact]
    public void Matches_AttributeNamesInTheResource_IgnoreCase()
    {
        var stored = ScimJsonFixtures.Parse("""{ "USERNAME": "ada", "Emails": [ { "Value": "ada@example.com", "TYPE": "work" } ] }""");

        Assert.True(ScimFilter.Parse("userName eq \"ada\"").Matches(stored, ScimResourceType.User));
        Assert.True(ScimFilter.Parse("emails[type eq \"work\" and value sw \"ada@\"]").Matches(stored, ScimResourceType.User));
    }
}
