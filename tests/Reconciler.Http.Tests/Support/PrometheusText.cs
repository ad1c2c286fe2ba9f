using System.Globalization;
using System.Text.RegularExpressions;

namespace Reconciler.Http.Tests.Support;

/// <summary>The samples of a Prometheus text exposition, looked up by name and labels in any order.</summary>
public sealed partial class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private PrometheusText(string text) => Text = text;

    public string Text { get; }

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText(text);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
            var value = double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            parsed._samples.Add((match.Groups["name"].Value, labels, value));
        }

        return parsed;
    }

    /// <summary>The value of the one sample with this name and exactly these labels; fails the test when absent.</summary>
    public double Value(string name, params (string Name, string Value)[] labels)
    {
        var found = Find(name, labels);
        Assert.True(found is not null, $"no sample {Describe(name, labels)} in:\n{Text}");
        return found.Value;
    }

    public double? Find(string name, params (string Name, string Value)[] labels)
    {
        foreach (var sample in _samples)
        {
            if (sample.Name == name && sample.Labels.Count == labels.Length &&
                labels.All(l => sample.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
            {
                return sample.Value;
            }
        }

        return null;
    }

    private static string Describe(string name, (string Name, string Value)[] labels) =>
        name + "{" + string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\"")) + "}";

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)",?""")]
    private static partial Regex LabelPair();
}
