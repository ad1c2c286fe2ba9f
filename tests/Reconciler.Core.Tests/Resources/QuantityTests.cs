using Reconciler.Core.Resources;

namespace Reconciler.Core.Tests.Resources;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("500Mi", 500L << 20)]
    [InlineData("50Gi", 50L << 30)]
    [InlineData("2Ei", 2L << 60)]
    [InlineData("7Ei", 7L << 60)]
    [InlineData("3E", 3_000_000_000_000_000_000L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void TryParse_ReadsKubernetesQuantities_UpToEAndEi(string text, long bytes)
    {
        Assert.True(Quantity.TryParse(text, out var value, out var error), error);
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("99999999Ei")]
    [InlineData("8Ei")]
    [InlineData("10E")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999999999999")]
    public void TryParse_SaysOutOfRange_ForWhatDoesNotFitIn64Bits(string text)
    {
        Assert.False(Quantity.TryParse(text, out _, out var error));
        Assert.Equal($"'{text}' is out of range (at most 8Ei)", error);
    }

    [Theory]
    [InlineData("1TB")]
    [InlineData("50 GB")]
    [InlineData("Gi")]
    [InlineData("-1Gi")]
    [InlineData("1.5Gi")]
    [InlineData("lots")]
    public void TryParse_RejectsWhatIsNotAQuantity(string text)
    {
        Assert.False(Quantity.TryParse(text, out _, out var error));
        Assert.Equal($"'{text}' is not a quantity; write e.g. 500Mi, 50Gi, 1Ti, or 0 for unlimited", error);
    }

    [Theory]
    [InlineData(0L, "unlimited")]
    [InlineData(1L << 60, "1Ei")]
    [InlineData(3L << 50, "3Pi")]
    [InlineData(1_000L, "1000")]
    public void Format_UsesTheLargestBinaryUnit(long bytes, string text) => Assert.Equal(text, Quantity.Format(bytes));
}
