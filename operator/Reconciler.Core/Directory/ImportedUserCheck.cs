using Reconciler.Core.Text;

namespace Reconciler.Core.Directory;

/// <summary>
/// What every directory value must be before it is imported, whichever connector read it: of bounded size and free of
/// control characters, so a plan never shows invisible changes and a hostile export cannot blow up memory. A user
/// that fails is skipped and named, which makes the read incomplete (so nobody is preserved or disabled because of it).
/// </summary>
public static class ImportedUserCheck
{
    public const int MaxIdLength = 256;
    public const int MaxFieldLength = 1024;
    public const int MaxGroups = 2000;
    public const int MaxAttributes = 200;

    /// <summary>Why the user cannot be imported, or null when it can. Names the field; quotes a value only escaped and cut.</summary>
    public static string? Problem(ImportedUser user)
    {
        if (Value("id", user.Id, MaxIdLength) is { } id) return id;
        if (user.Id.Trim().Length == 0) return "id is blank";
        // Indexed loops: every user read passes here, and a foreach over an interface makes an enumerator each time.
        var fields = UserDetails.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            if (Value(fields[i].Name, fields[i].Get(user.Details), MaxFieldLength) is { } problem) return problem;
        }
        if (Value("organizationalUnit", user.OrganizationalUnit, MaxFieldLength) is { } ou) return ou;
        if (user.Groups.Count > MaxGroups) return $"the user is in {user.Groups.Count:N0} groups; at most {MaxGroups:N0} are read";
        var groups = user.Groups;
        for (var i = 0; i < groups.Count; i++)
        {
            if (Value("groups", groups[i], MaxFieldLength) is { } problem) return problem;
        }
        if (user.Attributes is { } attributes)
        {
            if (attributes.Count > MaxAttributes) return $"the user has {attributes.Count:N0} attributes; at most {MaxAttributes:N0} are read";
            foreach (var (name, value) in attributes)
            {
                if (Value("attribute name", name, MaxFieldLength) is { } problem) return problem;
                if (Value($"attribute {SafeText.Show(name, 40)}", value, MaxFieldLength) is { } valueProblem) return valueProblem;
            }
        }
        return null;
    }

    private static string? Value(string field, string? value, int maxLength)
    {
        if (value is null) return null;
        if (value.Length > maxLength) return $"{field} is {value.Length:N0} characters long; at most {maxLength:N0} are allowed";
        return SafeText.FirstUnsafe(value) is { } rune
            ? $"{field} contains the control character {SafeText.Name(rune)} ('{SafeText.Show(value, 40)}')"
            : null;
    }
}
