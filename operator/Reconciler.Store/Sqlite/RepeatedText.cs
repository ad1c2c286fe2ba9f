using System.Text;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// Gives one string instance for a column's value when it repeats, as source, mapping, profile and region do
/// across a million users: a few recent values are kept and compared by their UTF-8 bytes.
/// </summary>
internal sealed class RepeatedText
{
    private const int Kept = 8;
    private readonly byte[][] bytes = new byte[Kept][];
    private readonly string[] strings = new string[Kept];
    private int count;
    private int next;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < count; i++)
        {
            if (utf8.SequenceEqual(bytes[i])) return strings[i];
        }
        var text = Encoding.UTF8.GetString(utf8);
        bytes[next] = utf8.ToArray();
        strings[next] = text;
        next = (next + 1) % Kept;
        count = Math.Min(count + 1, Kept);
        return text;
    }
}
