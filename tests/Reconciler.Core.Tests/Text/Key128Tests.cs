using System.IO.Hashing;
using System.Text;
using Reconciler.Core.Text;

namespace Reconciler.Core.Tests.Text;

/// <summary>The 128-bit key that stands for ids and emails in the large dictionaries of a read and a plan.</summary>
public sealed class Key128Tests
{
    [Fact]
    public void AKey_IsXxHash128OfTheBytes_BothHalvesKept()
    {
        var bytes = Encoding.UTF8.GetBytes("7bc57a23-3e32-483f-a000-0000000186a0");

        Assert.Equal(XxHash128.HashToUInt128(bytes).ToString("x32"), Key128.Of(bytes).ToString());
        Assert.Equal(XxHash128.HashToUInt128(bytes, 42).ToString("x32"), Key128.Of(bytes, 42).ToString());
    }

    [Fact]
    public void EqualBytesMakeEqualKeys_OtherBytesOrAnotherSeedDoNot()
    {
        var a = Key128.Of("zoë"u8);

        Assert.Equal(a, Key128.Of("zoë"u8));
        Assert.True(a == Key128.Of("zoë"u8));
        Assert.NotEqual(a, Key128.Of("zoe"u8));
        Assert.True(a != Key128.Of("zoë"u8, seed: 1));
        Assert.Equal(a.GetHashCode(), Key128.Of("zoë"u8).GetHashCode());
        Assert.False(a.Equals((object)"zoë"));
    }

    [Fact]
    public void AsADictionaryKey_ItTellsAHundredThousandIdsApart()
    {
        var lines = new Dictionary<Key128, int>();
        for (var i = 0; i < 100_000; i++) Assert.True(lines.TryAdd(Key128.Of(Encoding.UTF8.GetBytes($"employee-{i:D7}")), i));

        Assert.Equal(31_337, lines[Key128.Of(Encoding.UTF8.GetBytes("employee-0031337"))]);
        Assert.False(lines.ContainsKey(Key128.Of(Encoding.UTF8.GetBytes("employee-0100000"))));
    }
}
