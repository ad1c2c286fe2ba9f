using System.Text;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// The suite's results as one markdown table plus notes: printed at the end, and appended to --markdown PATH so the
/// figures can be pasted into docs/benchmarks.md as they are.
/// </summary>
public sealed class Report(string title)
{
    private static readonly string[] Columns = ["what", "wall s", "peak RSS MB", "reference (same run)", "ratio", "target"];

    private readonly List<Figure> _figures = [];
    private readonly List<string> _notes = [];

    public void Add(Figure figure) => _figures.Add(figure);

    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    public string Markdown()
    {
        var rows = _figures.Select(f => f.Cells()).ToList();
        var widths = Columns.Select((c, i) => rows.Select(r => r[i].Length).Append(c.Length).Max()).ToArray();
        var text = new StringBuilder();
        text.AppendLine($"## {title}").AppendLine();
        Row(text, Columns, widths);
        Row(text, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows) Row(text, row, widths);
        if (_notes.Count > 0) text.AppendLine();
        foreach (var note in _notes) text.AppendLine($"- {note}");
        return text.ToString();
    }

    public void Print() => Console.WriteLine(Environment.NewLine + Markdown());

    public void AppendTo(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.AppendAllText(path, Markdown() + Environment.NewLine);
        Console.WriteLine($"results appended to {path}");
    }

    private static void Row(StringBuilder text, string[] cells, int[] widths) =>
        text.AppendLine("| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |");
}
