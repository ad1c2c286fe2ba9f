using Reconciler.Core.Directory;

namespace Reconciler.Store.Tests.Sqlite;

/// <summary>Equality of imported users by content: their lists and maps are compared item by item, not by reference.</summary>
public static class Same
{
    public static void Imported(ImportedUser expected, ImportedUser actual)
    {
        Assert.Equal(expected with { Groups = [], Attributes = null }, actual with { Groups = [], Attributes = null });
        Assert.Equal(expected.Groups, actual.Groups);
        Assert.Equal(expected.Attributes is null, actual.Attributes is null);
        Assert.Equal(
            expected.Attributes?.OrderBy(a => a.Key, StringComparer.Ordinal),
            actual.Attributes?.OrderBy(a => a.Key, StringComparer.Ordinal));
    }
}
