using System.ComponentModel;
using System.Reflection;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Tests.Resources;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("300ms", 300)]
    [InlineData("30s", 30_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData(" 24h ", 86_400_000)]
    public void TryParse_ReadsGoStyleDurations(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("99999999999999h")]
    [InlineData("2160000000h")]
    [InlineData("2562048h")]
    [InlineData("1" + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000h")]
    public void TryParse_SaysOutOfRange_InsteadOfThrowing_ForDurationsLongerThanGoAllows(string text)
    {
        Assert.False(GoDuration.TryParse(text, out var value, out var error));
        Assert.Equal(TimeSpan.Zero, value);
        Assert.Equal($"'{text}' is out of range: a duration is at most 2562047h47m16s", error);
    }

    [Fact]
    public void TryParse_AcceptsTheLongestGoDuration()
    {
        Assert.True(GoDuration.TryParse("2562047h", out var value, out _));
        Assert.Equal(TimeSpan.FromHours(2562047), value);
    }

    [Theory]
    [InlineData("1 hour")]
    [InlineData("1.2.3h")]
    [InlineData("..h")]
    [InlineData("90d")]
    [InlineData("h")]
    [InlineData("-5m")]
    [InlineData("10")]
    public void TryParse_RejectsWhatIsNotADuration_WithoutThrowing(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Equal($"'{text}' is not a duration; write e.g. 30s, 15m, 1h, 24h (units ms, s, m, h)", error);
    }

    [Fact]
    public void TryParse_WithRange_NamesTheFieldAndItsBounds()
    {
        var range = DirectorySourceSpec.SyncIntervalRange;

        Assert.False(GoDuration.TryParse("1000000h", range, "syncInterval", out _, out var tooLong));
        Assert.False(GoDuration.TryParse("99999999999999h", range, "syncInterval", out _, out var overflow));
        Assert.False(GoDuration.TryParse("500ms", range, "syncInterval", out _, out var tooShort));
        Assert.False(GoDuration.TryParse("soon", range, "syncInterval", out _, out var notADuration));
        Assert.True(GoDuration.TryParse("720h", range, "syncInterval", out var longest, out _));
        Assert.True(GoDuration.TryParse("1s", range, "syncInterval", out var shortest, out _));

        Assert.Equal("'1000000h' is out of range: syncInterval must be between 1s and 720h", tooLong);
        Assert.Equal("'99999999999999h' is out of range: syncInterval must be between 1s and 720h", overflow);
        Assert.Equal("'500ms' is out of range: syncInterval must be between 1s and 720h", tooShort);
        Assert.StartsWith("'soon' is not a duration", notADuration);
        Assert.Equal((TimeSpan.FromHours(720), TimeSpan.FromSeconds(1)), (longest, shortest));
    }

    [Fact]
    public void DurationRange_ReadsAsItsBounds()
    {
        Assert.Equal("between 0s and 720h", RolloutWave.BakeTimeRange.ToString());
        Assert.Equal("between 1m and 87600h", DeploymentCampaignSpec.TokenTTLRange.ToString());
        Assert.Equal("between 1h and 87600h", ScimSettings.TokenTTLRange.ToString());
    }

    public static TheoryData<Type, string, DurationRange> RangedFields => new()
    {
        { typeof(DirectorySourceSpec), nameof(DirectorySourceSpec.SyncInterval), DirectorySourceSpec.SyncIntervalRange },
        { typeof(ScimSettings), nameof(ScimSettings.TokenTTL), ScimSettings.TokenTTLRange },
        { typeof(DeploymentCampaignSpec), nameof(DeploymentCampaignSpec.TokenTTL), DeploymentCampaignSpec.TokenTTLRange },
        { typeof(RolloutWave), nameof(RolloutWave.BakeTime), RolloutWave.BakeTimeRange },
    };

    /// <summary>The CRDs document each field by its Description; it must state the range validation enforces.</summary>
    [Theory]
    [MemberData(nameof(RangedFields))]
    public void Description_StatesTheRangeThatIsEnforced(Type type, string property, DurationRange range)
    {
        var description = type.GetProperty(property)!.GetCustomAttribute<DescriptionAttribute>()!.Description;

        Assert.Contains(range.ToString(), description, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_LieInTheirRanges()
    {
        Assert.True(GoDuration.TryParse(new DirectorySourceSpec().SyncInterval, DirectorySourceSpec.SyncIntervalRange, "syncInterval", out _, out var e1), e1);
        Assert.True(GoDuration.TryParse(new ScimSettings().TokenTTL, ScimSettings.TokenTTLRange, "tokenTTL", out _, out var e2), e2);
        Assert.True(GoDuration.TryParse(new DeploymentCampaignSpec().TokenTTL, DeploymentCampaignSpec.TokenTTLRange, "tokenTTL", out _, out var e3), e3);
    }
}
