namespace Reconciler.Connectors.Scim;

/// <summary>
/// The schemas this service provider speaks: core User and Group (RFC 7643 §4.1, §4.2, §8.7.1), the Enterprise User
/// extension (§4.3) and the common attributes every resource has (§3.1: id, externalId, meta), which belong to no
/// schema and so are not listed in <c>/Schemas</c>.
/// </summary>
public static class ScimSchemas
{
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUserUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string PatchOpUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string ErrorUrn = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string ListResponseUrn = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

    /// <summary>id, externalId and meta (RFC 7643 §3.1). <c>id</c> is the service provider's, never the client's.</summary>
    public static IReadOnlyList<ScimAttribute> Common { get; } =
    [
        Text("id", "Unique identifier of the resource, issued by the service provider.") with
        {
            CaseExact = true, Mutability = ScimMutability.ReadOnly, Returned = ScimReturned.Always, Uniqueness = ScimUniqueness.Server,
        },
        Text("externalId", "Identifier of the resource as the provisioning client knows it.") with { CaseExact = true },
        Complex("meta", "Resource metadata.",
            Text("resourceType", "Name of the resource type.") with { CaseExact = true, Mutability = ScimMutability.ReadOnly },
            new ScimAttribute("created", ScimType.DateTime) { Description = "When the resource was added.", Mutability = ScimMutability.ReadOnly },
            new ScimAttribute("lastModified", ScimType.DateTime) { Description = "When the resource was last changed.", Mutability = ScimMutability.ReadOnly },
            Reference("location", "URI of the resource.", "uri") with { Mutability = ScimMutability.ReadOnly },
            Text("version", "Version (entity tag) of the resource.") with { CaseExact = true, Mutability = ScimMutability.ReadOnly })
            with { Mutability = ScimMutability.ReadOnly },
    ];

    public static ScimSchema User { get; } = new(UserUrn, "User", "User Account",
    [
        Text("userName", "Unique identifier for the user, typically used to sign in.") with
        {
            Required = true, Uniqueness = ScimUniqueness.Server,
        },
        Complex("name", "The components of the user's real name.",
            Text("formatted", "The full name, formatted for display."),
            Text("familyName", "Family name (last name)."),
            Text("givenName", "Given name (first name)."),
            Text("middleName", "Middle name(s)."),
            Text("honorificPrefix", "Honorific prefix, such as 'Ms.'."),
            Text("honorificSuffix", "Honorific suffix, such as 'III'.")),
        Text("displayName", "Name of the user, suitable for display."),
        Text("nickName", "Casual name of the user."),
        Reference("profileUrl", "URL of the user's online profile.", "external"),
        Text("title", "The user's title, such as 'Vice President'."),
        Text("userType", "Relationship between the organization and the user, such as 'Employee'."),
        Text("preferredLanguage", "Preferred written or spoken language (RFC 7231 Accept-Language form)."),
        Text("locale", "Default location for localizing currency, dates and numbers, such as 'en-US'."),
        Text("timezone", "Time zone in IANA form, such as 'Europe/Paris'."),
        new ScimAttribute("active", ScimType.Boolean) { Description = "Whether the user may use the service." },
        Text("password", "The user's cleartext password; never returned.") with
        {
            Mutability = ScimMutability.WriteOnly, Returned = ScimReturned.Never,
        },
        Plural("emails", "Email addresses.", ["work", "home", "other"], Text("value", "Email address.")),
        Plural("phoneNumbers", "Phone numbers.", ["work", "home", "mobile", "fax", "pager", "other"], Text("value", "Phone number.")),
        Plural("ims", "Instant messaging addresses.", ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
            Text("value", "Instant messaging address.")),
        Plural("photos", "URLs of photos of the user.", ["photo", "thumbnail"], Reference("value", "URL of a photo.", "external")),
        Complex("addresses", "Physical mailing addresses.",
            Text("formatted", "The full address, formatted for display; may contain newlines."),
            Text("streetAddress", "Street address."),
            Text("locality", "City or locality."),
            Text("region", "State or region."),
            Text("postalCode", "Zip or postal code."),
            Text("country", "Country (ISO 3166-1 alpha-2)."),
            Text("type", "Kind of address.") with { CanonicalValues = ["work", "home", "other"] },
            new ScimAttribute("primary", ScimType.Boolean) { Description = "Whether this is the primary address." })
            with { MultiValued = true },
        Complex("groups", "Groups the user belongs to, directly or through nesting; changed through the Group.",
            Text("value", "Identifier of the group.") with { CaseExact = true, Mutability = ScimMutability.ReadOnly },
            Reference("$ref", "URI of the group.", "User", "Group") with { Mutability = ScimMutability.ReadOnly },
            Text("display", "Name of the group.") with { Mutability = ScimMutability.ReadOnly },
            Text("type", "Direct or indirect membership.") with { CanonicalValues = ["direct", "indirect"], Mutability = ScimMutability.ReadOnly })
            with { MultiValued = true, Mutability = ScimMutability.ReadOnly },
        Plural("entitlements", "Entitlements of the user.", [], Text("value", "The entitlement.")),
        Plural("roles", "Roles of the user.", [], Text("value", "The role.")),
        Plural("x509Certificates", "X.509 certificates of the user.", [],
            new ScimAttribute("value", ScimType.Binary) { Description = "DER certificate, base64." }),
    ]);

    public static ScimSchema Group { get; } = new(GroupUrn, "Group", "Group",
    [
        Text("displayName", "Name of the group, suitable for display.") with { Required = true },
        Complex("members", "Members of the group.",
            Text("value", "Identifier of the member.") with { CaseExact = true, Mutability = ScimMutability.Immutable },
            Reference("$ref", "URI of the member.", "User", "Group") with { Mutability = ScimMutability.Immutable },
            Text("display", "Name of the member, for display."),
            Text("type", "Kind of member.") with { CanonicalValues = ["User", "Group"], Mutability = ScimMutability.Immutable })
            with { MultiValued = true },
    ]);

    public static ScimSchema EnterpriseUser { get; } = new(EnterpriseUserUrn, "EnterpriseUser", "Enterprise User",
    [
        Text("employeeNumber", "Identifier assigned by the organization."),
        Text("costCenter", "Name of a cost center."),
        Text("organization", "Name of an organization."),
        Text("division", "Name of a division."),
        Text("department", "Name of a department."),
        Complex("manager", "The user's manager.",
            Text("value", "Identifier of the manager's User.") with { CaseExact = true },
            Reference("$ref", "URI of the manager's User.", "User"),
            Text("displayName", "Name of the manager.") with { Mutability = ScimMutability.ReadOnly }),
    ]);

    private static ScimAttribute Text(string name, string description) =>
        new(name, ScimType.String) { Description = description };

    private static ScimAttribute Reference(string name, string description, params string[] referenceTypes) =>
        new(name, ScimType.Reference) { Description = description, ReferenceTypes = referenceTypes, CaseExact = true };

    private static ScimAttribute Complex(string name, string description, params ScimAttribute[] subAttributes) =>
        new(name, ScimType.Complex) { Description = description, SubAttributes = subAttributes };

    /// <summary>A multi-valued attribute with RFC 7643 §2.4's usual sub-attributes: value, display, type, primary.</summary>
    private static ScimAttribute Plural(string name, string description, string[] types, ScimAttribute value) =>
        Complex(name, description,
            value,
            Text("display", "Value for display."),
            Text("type", "Kind of value.") with { CanonicalValues = types },
            new ScimAttribute("primary", ScimType.Boolean) { Description = "Whether this is the primary value." })
            with { MultiValued = true };
}
