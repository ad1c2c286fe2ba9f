using System.Text;

namespace Reconciler.Sources.Folder;

/// <summary>Field paths as users read them (<c>spec.waves[0].percent</c>) and the JSON pointers they stand for.</summary>
internal static class FieldPath
{
    public static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;

    public static string Item(string path, int index) => $"{path}[{index}]";

    public static string ChildPointer(string pointer, string name) => pointer + "/" + name.Replace("~", "~0").Replace("/", "~1");

    public static IEnumerable<string> Segments(string pointer) =>
        pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~"));

    /// <summary>True when one pointer is the other or lies inside it (on segment boundaries).</summary>
    public static bool Overlap(string a, string b)
    {
        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        return longer.StartsWith(shorter, StringComparison.Ordinal) && (longer.Length == shorter.Length || longer[shorter.Length] == '/');
    }

    public static string Parent(string pointer) => pointer[..Math.Max(0, pointer.LastIndexOf('/'))];

    /// <summary>Converts a path of our own fields (no dots or brackets inside names) to a JSON pointer.</summary>
    public static string ToPointer(string path)
    {
        var pointer = new StringBuilder();
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[');
            pointer.Append('/').Append(bracket < 0 ? part : part[..bracket]);
            if (bracket < 0) continue;
            foreach (var index in part[bracket..].Split(['[', ']'], StringSplitOptions.RemoveEmptyEntries))
                pointer.Append('/').Append(index);
        }
        return pointer.ToString();
    }
}
