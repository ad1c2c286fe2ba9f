using Reconciler.Connectors.Ldap;

namespace Reconciler.Connectors.Tests.Ldap;

public sealed class DistinguishedNameTests
{
    [Theory]
    [InlineData("uid=ada,ou=people,dc=example,dc=com", "ou=people,dc=example,dc=com")]
    [InlineData(@"cn=Smith\, John,ou=people,dc=example,dc=com", "ou=people,dc=example,dc=com")]
    [InlineData("cn=\"Smith, John\",ou=people,dc=example,dc=com", "ou=people,dc=example,dc=com")]
    [InlineData("CN=Ada , OU=People ; DC=example", "ou=People,dc=example")]
    [InlineData("dc=com", "")]
    [InlineData(@"cn=Smith\2C John,OU=people,dc=example", "ou=people,dc=example")]
    public void Parent_IsTheDnWithoutItsFirstRdn(string dn, string parent) =>
        Assert.Equal(parent, DistinguishedName.Parent(dn));

    [Theory]
    [InlineData("CN=Eng , OU = Groups,DC=Example", "cn=Eng,ou=Groups,dc=Example")]
    [InlineData(@"cn=a\,b,dc=x", @"cn=a\,b,dc=x")]
    [InlineData(@"cn=trailing\ ,dc=x", @"cn=trailing\ ,dc=x")]
    [InlineData("cn=a+sn=b,dc=x", "cn=a+sn=b,dc=x")]
    [InlineData(@"cn=Smith\2C John,ou=people", @"cn=Smith\, John,ou=people")]
    [InlineData(@"cn=Smith\2c John,ou=people", @"cn=Smith\, John,ou=people")]
    [InlineData(@"cn=Z\C3\B6e \C3\9Cnal,dc=x", "cn=Zöe Ünal,dc=x")]
    [InlineData(@"cn=a\5Cb,dc=x", @"cn=a\\b,dc=x")]
    public void Canonical_DropsSpacesAroundSeparatorsAndLowersAttributeTypesOnly(string dn, string canonical) =>
        Assert.Equal(canonical, DistinguishedName.Canonical(dn));
}

public sealed class GroupGraphTests
{
    private const string Eng = "cn=engineering,ou=groups,dc=x";
    private const string Leads = "cn=eng-leads,ou=groups,dc=x";
    private const string All = "cn=all,ou=groups,dc=x";

    [Fact]
    public void GroupsOf_ExpandsNestedGroupsFromMemberListsAndMemberOf()
    {
        var graph = new GroupGraph();
        graph.Add(Eng, [Leads, "uid=bob,ou=people,dc=x"]);
        graph.Add(Leads, ["uid=ada,ou=people,dc=x", @"cn=Smith\, John,ou=people,dc=x"]);
        graph.Add(All, [Eng]);

        // ada is only in eng-leads, which is in engineering, which is in all
        Assert.Equal([Leads, Eng, All], graph.GroupsOf("UID=ada, ou=people, dc=x", []));
        // bob's memberOf names engineering; all comes by nesting
        Assert.Equal([Eng, All], graph.GroupsOf("uid=bob,ou=people,dc=x", ["CN=engineering,OU=groups,DC=x"]));
        // a server may spell the entry's own DN with a hex escape where the member list has a backslash one
        Assert.Equal([Leads, Eng, All], graph.GroupsOf(@"cn=Smith\2C John,ou=people,dc=x", []));
        Assert.Equal(3, graph.Count);
    }

    [Fact]
    public void GroupsOf_SurvivesCyclesAndUniqueMemberIds()
    {
        var graph = new GroupGraph();
        graph.Add("cn=a,dc=x", ["cn=b,dc=x"]);
        graph.Add("cn=b,dc=x", ["cn=a,dc=x", "uid=ada,dc=x#'0101'B"]);

        Assert.Equal(["cn=b,dc=x", "cn=a,dc=x"], graph.GroupsOf("uid=ada,dc=x", []));
    }

    [Fact]
    public void GroupsOf_WithoutGroupsRead_IsMemberOfAsIs()
    {
        Assert.Equal(["cn=eng,dc=x"], GroupGraph.Empty.GroupsOf("uid=ada,dc=x", ["cn=eng, dc=x", "CN=ENG,DC=X"]));
    }
}
