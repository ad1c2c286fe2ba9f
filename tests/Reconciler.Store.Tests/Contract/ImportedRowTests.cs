using Reconciler.Core.Directory;
using Reconciler.Store.Contract;
using Reconciler.Store.Tests.Sqlite;

namespace Reconciler.Store.Tests.Contract;

public sealed class ImportedRowTests
{
    private static readonly ImportedUser Full = new()
    {
        Id = "3f2c9a1e-entryUUID",
        Details = new UserDetails
        {
            UserName = "jmüller",
            Email = "Jörg.Müller@example.com",
            DisplayName = "Jörg Müller 🚀 \"JM\"",
            GivenName = "Jörg",
            Surname = "Müller-Lüdenscheidt",
            Department = "R&D; Ops",
            Title = "Engineer, Senior",
        },
        Groups = ["cn=eng,ou=groups,dc=example,dc=com", "cn=all;staff", "cn=eng,ou=groups,dc=example,dc=com", "日本語"],
        OrganizationalUnit = "ou=people,dc=example,dc=com",
        Enabled = false,
        Attributes = new Dictionary<string, string> { ["costCenter"] = "cc-1", ["quote\"d"] = "a,b", ["empty"] = "", ["long"] = new string('x', 300) },
    };

    public static TheoryData<string> Users => ["full", "only-id", "empty-attributes", "long", "enabled"];

    private static ImportedUser Named(string name) => name switch
    {
        "full" => Full,
        "only-id" => new ImportedUser { Id = "x1" },
        "empty-attributes" => new ImportedUser { Id = "", Attributes = new Dictionary<string, string>(), Groups = [""] },
        "long" => Full with { Details = Full.Details with { DisplayName = new string('ü', 70_000) }, Groups = [.. Enumerable.Range(0, 200).Select(i => $"g{i}")] },
        _ => Full with { Enabled = true, Attributes = null, Groups = [] },
    };

    [Theory]
    [MemberData(nameof(Users))]
    public void Stored_DecodesEveryFieldAsEncoded(string name)
    {
        var user = Named(name);
        var row = ImportedRow.Of(user);

        var stored = ImportedRow.Stored(user.Id, row.Data, row.Fingerprint);

        Same.Imported(user, stored.User);
        Same.Imported(user, stored.Decode(new TextPool()));
        Same.Imported(user, ImportedRow.Decode(user.Id, row.Data.Span, null));
        Assert.Equal((user.Id, row.Fingerprint), (stored.Id, stored.Fingerprint));
        Assert.Equal(row.Fingerprint, ImportedRow.Of(stored.User).Fingerprint);
    }

    [Fact]
    public void Decoded_AttributesAreMatchedIgnoringCase_AsDirectoriesDo()
    {
        var stored = Stored(Full);

        Assert.Equal("cc-1", stored.User.Attributes!["COSTCENTER"]);
    }

    [Fact]
    public void Fingerprint_OfEqualUsers_IsEqual_WhateverOrderTheirAttributesWereAddedIn()
    {
        var forwards = Full with { Attributes = new Dictionary<string, string> { ["a"] = "1", ["B"] = "2", ["c"] = "3" } };
        var backwards = Full with { Attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["c"] = "3", ["B"] = "2", ["a"] = "1" } };
        var copy = Full with { Details = Full.Details with { }, Groups = [.. Full.Groups] };

        Assert.Equal(ImportedRow.Of(forwards).Fingerprint, ImportedRow.Of(backwards).Fingerprint);
        Assert.Equal(ImportedRow.Of(forwards).Data.ToArray(), ImportedRow.Of(backwards).Data.ToArray());
        Assert.Equal(ImportedRow.Of(Full).Fingerprint, ImportedRow.Of(copy).Fingerprint);
    }

    public static TheoryData<string> Changes =>
    [
        "id-only", "userName", "email", "email-case", "displayName", "givenName", "surname", "department", "title", "ou", "enabled",
        "group-added", "group-removed", "groups-reordered", "group-renamed", "attributes-null", "attributes-empty",
        "attribute-value", "attribute-name", "attribute-added", "field-boundary",
    ];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Fingerprint_ChangesWithAnyField(string change)
    {
        var d = Full.Details;
        var changed = change switch
        {
            "id-only" => null,
            "userName" => Full with { Details = d with { UserName = "jmueller" } },
            "email" => Full with { Details = d with { Email = "joerg@example.com" } },
            "email-case" => Full with { Details = d with { Email = d.Email.ToLowerInvariant() } },
            "displayName" => Full with { Details = d with { DisplayName = d.DisplayName + " " } },
            "givenName" => Full with { Details = d with { GivenName = "Jorg" } },
            "surname" => Full with { Details = d with { Surname = "" } },
            "department" => Full with { Details = d with { Department = "R&D" } },
            "title" => Full with { Details = d with { Title = "Engineer" } },
            "ou" => Full with { OrganizationalUnit = "ou=former,dc=example,dc=com" },
            "enabled" => Full with { Enabled = true },
            "group-added" => Full with { Groups = [.. Full.Groups, "cn=new"] },
            "group-removed" => Full with { Groups = [.. Full.Groups.Skip(1)] },
            "groups-reordered" => Full with { Groups = [.. Full.Groups.Reverse()] },
            "group-renamed" => Full with { Groups = [.. Full.Groups.Take(3), "日本"] },
            "attributes-null" => Full with { Attributes = null },
            "attributes-empty" => Full with { Attributes = new Dictionary<string, string>() },
            "attribute-value" => Full with { Attributes = new Dictionary<string, string>(Full.Attributes!) { ["costCenter"] = "cc-2" } },
            "attribute-name" => Full with { Attributes = Full.Attributes!.ToDictionary(a => a.Key == "empty" ? "empty2" : a.Key, a => a.Value) },
            "attribute-added" => Full with { Attributes = new Dictionary<string, string>(Full.Attributes!) { ["room"] = "" } },
            _ => Full with { Details = d with { GivenName = d.GivenName + d.Surname[..3], Surname = d.Surname[3..] } },
        };

        if (changed is null)
        {
            // The id is the row's key, not part of its encoding.
            Assert.Equal(ImportedRow.Of(Full).Fingerprint, ImportedRow.Of(Full with { Id = "other" }).Fingerprint);
            return;
        }
        Assert.NotEqual(ImportedRow.Of(Full).Fingerprint, ImportedRow.Of(changed).Fingerprint);
        Assert.NotEqual(ImportedRow.Of(Full).Fingerprint, ImportedRow.Of(changed).Fingerprint);
    }

    [Fact]
    public void Fingerprint_OfAnEmptyAttributeMap_DiffersFromNone()
    {
        var none = new ImportedUser { Id = "x" };
        var empty = none with { Attributes = new Dictionary<string, string>() };

        Assert.NotEqual(ImportedRow.Of(none).Fingerprint, ImportedRow.Of(empty).Fingerprint);
        Assert.Null(Stored(none).User.Attributes);
        Assert.Empty(Stored(empty).User.Attributes!);
    }

    [Fact]
    public void Of_KeepsTheUserItWasGiven_UnlessAskedNotTo()
    {
        var kept = ImportedRow.Of(Full);
        var notKept = ImportedRow.Of(Full, keepUser: false);

        Assert.Same(Full, kept.User);
        Assert.Same(Full, kept.Decode(new TextPool()));
        Assert.NotSame(Full, notKept.User);
        Same.Imported(Full, notKept.User);
        Assert.Same(notKept.User, notKept.User);
    }

    [Fact]
    public void Release_DropsTheDecodedUser_AndItIsDecodedAgainFromTheEncoding()
    {
        var row = ImportedRow.Of(Full);

        row.Release();

        var decoded = row.User;
        Assert.NotSame(Full, decoded);
        Same.Imported(Full, decoded);
        Assert.Same(decoded, row.User);
        Assert.Equal(ImportedRow.Of(Full).Fingerprint, row.Fingerprint);
    }

    [Fact]
    public void Decode_DoesNotKeepWhatItDecodes()
    {
        var stored = Stored(Full);

        var first = stored.Decode(null);
        var second = stored.Decode(null);

        Assert.NotSame(first, second);
        Same.Imported(first, second);
    }

    [Fact]
    public void Decode_WithAPool_SharesTheStringsThatRepeatAcrossUsers()
    {
        var pool = new TextPool();
        var a = Stored(Full).Decode(pool);
        var b = Stored(Full with { Id = "other", Details = Full.Details with { DisplayName = "Other" } }).Decode(pool);

        Assert.Same(a.Details.Department, b.Details.Department);
        Assert.Same(a.Details.Title, b.Details.Title);
        Assert.Same(a.Details.GivenName, b.Details.GivenName);
        Assert.Same(a.OrganizationalUnit, b.OrganizationalUnit);
        Assert.Same(a.Groups[0], b.Groups[0]);
        Assert.Same(a.Groups[0], a.Groups[2]);
        Assert.Same(a.Attributes!.Keys.First(k => k == "costCenter"), b.Attributes!.Keys.First(k => k == "costCenter"));
        Assert.Equal("Other", b.Details.DisplayName);
    }

    [Fact]
    public void Decode_OfAnUnknownFormat_SaysWhichUser()
    {
        var row = ImportedRow.Of(Full);
        var future = row.Data.ToArray();
        future[0] = 99;

        var e = Assert.Throws<FormatException>(() => ImportedRow.Stored("u-7", future, row.Fingerprint).User);
        var empty = Assert.Throws<FormatException>(() => ImportedRow.Decode("u-8", [], null));

        Assert.Equal("imported user u-7: stored in an unknown format 99", e.Message);
        Assert.Equal("imported user u-8: stored in an unknown format (empty)", empty.Message);
    }

    [Fact]
    public void TextPool_ReturnsTheSameInstanceForRepeats()
    {
        var pool = new TextPool();

        var first = pool.Get("R&D Ü"u8);
        var again = pool.Get("R&D Ü"u8.ToArray());
        var other = pool.Get("R&D U"u8);

        Assert.Equal("R&D Ü", first);
        Assert.Same(first, again);
        Assert.Equal("R&D U", other);
        Assert.Same(other, pool.Get("R&D U"u8));
    }

    [Fact]
    public void TextPool_PastItsCapacity_StillDecodesButKeepsNoMore()
    {
        var pool = new TextPool(capacity: 2);
        var a = pool.Get("a"u8);
        var b = pool.Get("b"u8);

        var c = pool.Get("c"u8);

        Assert.Equal("c", c);
        Assert.NotSame(c, pool.Get("c"u8));
        Assert.Same(a, pool.Get("a"u8));
        Assert.Same(b, pool.Get("b"u8));
    }

    private static ImportedRow Stored(ImportedUser user)
    {
        var row = ImportedRow.Of(user, keepUser: false);
        return ImportedRow.Stored(user.Id, row.Data, row.Fingerprint);
    }
}
