using Reconciler.Sources.Folder;

namespace Reconciler.Sources.Tests.Folder;

/// <summary>Links are followed, but every real folder is entered and every real file read once.</summary>
public sealed class FolderWalkTests
{
    private const string Policy = TempConfig.Header + "kind: StorageQuotaPolicy\nmetadata: {name: gold}\nspec: {quota: 1Ti}\n";

    [Fact]
    public void Load_FollowsLinksBackUpTheTree_WithoutLoopingOrReadingFilesTwice()
    {
        using var config = new TempConfig().WithBase().Write("teams/gold.yaml", Policy);
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, "self"), ".");
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, "teams", "up"), "..");
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, "teams", "loop"), Path.Combine(config.Directory, "teams"));

        var result = config.Load();

        Assert.Empty(result.Errors);
        Assert.Equal(["gold", "standard-50g"], result.State!.QuotaPolicies.Select(p => p.Name));
    }

    [Fact]
    public void Load_FollowsALinkedFolderOutsideTheConfiguration()
    {
        using var shared = new TempConfig().Write("gold.yaml", Policy);
        using var config = new TempConfig().WithBase();
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, "shared"), shared.Directory);
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, "shared-again"), shared.Directory);

        var result = config.Load();

        Assert.Empty(result.Errors);
        Assert.Equal(["gold", "standard-50g"], result.State!.QuotaPolicies.Select(p => p.Name));
        Assert.Equal(Path.Join(config.Directory, "shared", "gold.yaml"),
            result.State.OriginOf(result.State.QuotaPolicies[0]) is { } origin ? Path.Join(config.Directory, Path.GetRelativePath(config.Directory, origin.File)) : null);
    }

    [Fact]
    public void Load_FollowsALinkedFile_AndReadsAFileLinkedTwiceOnce()
    {
        using var shared = new TempConfig().Write("gold.yaml", Policy);
        using var config = new TempConfig().WithBase();
        File.CreateSymbolicLink(Path.Combine(config.Directory, "gold.yaml"), Path.Combine(shared.Directory, "gold.yaml"));
        File.CreateSymbolicLink(Path.Combine(config.Directory, "gold-again.yml"), Path.Combine(config.Directory, "gold.yaml"));

        var result = config.Load();

        Assert.Empty(result.Errors);
        Assert.Equal(["gold", "standard-50g"], result.State!.QuotaPolicies.Select(p => p.Name));
    }

    [Fact]
    public void Load_ReportsALinkToNothing_AndKeepsTheRest()
    {
        using var config = new TempConfig().WithBase();
        File.CreateSymbolicLink(Path.Combine(config.Directory, "gone.yaml"), Path.Combine(config.Directory, "nowhere.yaml"));

        var result = config.Load();

        // (Errors() shows paths relative to the folder, the link's target too)
        Assert.Equal(["gone.yaml: cannot be read: it is a symbolic link to 'nowhere.yaml', which does not exist"], config.Errors());
        Assert.Equal([Path.Join(config.Directory, "gone.yaml")], result.UnreadableFiles);
        Assert.Equal(["hr-csv"], result.Partial.Sources.Select(s => s.Name));
    }

    [Fact]
    public void Load_SkipsHiddenFolders_EvenWhenTheyAreLinks()
    {
        using var shared = new TempConfig().Write("gold.yaml", Policy);
        using var config = new TempConfig().WithBase().Write(".git/hooks/x.yaml", "not: [valid");
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, ".shared"), shared.Directory);

        var result = config.Load();

        Assert.Empty(result.Errors);
        Assert.Equal(["standard-50g"], result.State!.QuotaPolicies.Select(p => p.Name));
    }

    [Fact]
    public void List_StopsAtTheFileLimit_WithOneErrorForTheFolder()
    {
        using var config = new TempConfig();
        for (var i = 0; i < 4; i++) config.Write($"f{i}.yaml", "");

        var within = FolderWalk.List(config.Directory, maxFiles: 4);
        var over = FolderWalk.List(config.Directory, maxFiles: 3);

        Assert.True(within.Complete);
        Assert.Equal(4, within.Files.Count);
        Assert.False(over.Complete);
        Assert.Equal([$"{config.Directory}: more than 3 .yaml and .yml files; a configuration needs far fewer"], over.Errors.Select(e => e.ToString()));
        Assert.Equal([config.Directory], over.Unknown);
    }

    [Fact]
    public void List_StopsAtTheFolderLimit_SoALinkToALargeTreeCannotWalkTheDisk()
    {
        using var big = new TempConfig();
        for (var i = 0; i < 5; i++) Directory.CreateDirectory(Path.Combine(big.Directory, $"d{i}", "inner"));
        using var config = new TempConfig().WithBase();
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, "everything"), big.Directory);

        var listing = FolderWalk.List(config.Directory, maxFolders: 8);

        Assert.False(listing.Complete);
        Assert.Equal([$"{config.Directory}: more than 8 folders; does a symbolic link point at a large tree?"], listing.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void RealPath_ResolvesEveryLinkInThePath()
    {
        using var config = new TempConfig().Write("a/b/file.yaml", "");
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, "link"), Path.Combine("a", "b"));
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, "a", "b", "back"), "..");

        var real = RealPath.Of(Path.Combine(config.Directory, "link", "back", "b", "file.yaml"));

        Assert.Equal(RealPath.Of(Path.Combine(config.Directory, "a", "b", "file.yaml")), real);
        Assert.EndsWith(Path.Combine("a", "b", "file.yaml"), real, StringComparison.Ordinal);
    }

    [Fact]
    public void RealPath_FailsOnALoopOfLinks()
    {
        using var config = new TempConfig();
        File.CreateSymbolicLink(Path.Combine(config.Directory, "one.yaml"), Path.Combine(config.Directory, "two.yaml"));
        File.CreateSymbolicLink(Path.Combine(config.Directory, "two.yaml"), Path.Combine(config.Directory, "one.yaml"));

        var error = Assert.Throws<IOException>(() => RealPath.Of(Path.Combine(config.Directory, "one.yaml")));

        Assert.Contains("too many levels of symbolic links", error.Message, StringComparison.Ordinal);
    }
}
