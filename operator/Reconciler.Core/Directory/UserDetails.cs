namespace Reconciler.Core.Directory;

/// <summary>
/// A person's details as a directory states them. One record shared by the imported user, the registry row, the
/// store and every output: a new detail is added here, and <see cref="Fields"/> carries it to diffs, hashes,
/// columns and listings.
/// </summary>
public sealed record UserDetails
{
    public static readonly UserDetails Empty = new();

    public string UserName { get; init; } = "";
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string GivenName { get; init; } = "";
    public string Surname { get; init; } = "";
    public string Department { get; init; } = "";
    public string Title { get; init; } = "";

    /// <summary>Every detail in the order a reader scans them, by the name used in plans, JSON and filters.</summary>
    public static IReadOnlyList<DetailField> Fields { get; } =
    [
        new("userName", d => d.UserName, (d, v) => d with { UserName = v }),
        new("email", d => d.Email, (d, v) => d with { Email = v }),
        new("displayName", d => d.DisplayName, (d, v) => d with { DisplayName = v }),
        new("givenName", d => d.GivenName, (d, v) => d with { GivenName = v }),
        new("surname", d => d.Surname, (d, v) => d with { Surname = v }),
        new("department", d => d.Department, (d, v) => d with { Department = v }),
        new("title", d => d.Title, (d, v) => d with { Title = v }),
    ];

    /// <summary>The details with every field built from its name, e.g. from columns or a decoded row.</summary>
    public static UserDetails From(Func<DetailField, string> value)
    {
        var details = Empty;
        foreach (var field in Fields) details = field.With(details, value(field) ?? "");
        return details;
    }

    /// <summary>True when every detail but the email is equal (ordinal), without allocating.</summary>
    public bool SameApartFromEmail(UserDetails other) =>
        ReferenceEquals(this, other)
        || (UserName == other.UserName && DisplayName == other.DisplayName && GivenName == other.GivenName
            && Surname == other.Surname && Department == other.Department && Title == other.Title);
}

/// <summary>One detail: its name and how to read and replace it.</summary>
public sealed record DetailField(string Name, Func<UserDetails, string> Get, Func<UserDetails, string, UserDetails> With);
