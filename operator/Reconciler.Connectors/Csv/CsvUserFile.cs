using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using nietras.SeparatedValues;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Csv;

/// <summary>
/// Reads the users of one CSV export row by row and yields each as it is parsed; what it keeps is the current row, the
/// ids seen (to name the line a duplicate first appeared on) and the pooled values. A bad row is skipped and named by
/// its physical line; a bad file (no header, broken quoting, not text) fails the read as a whole.
/// </summary>
/// <param name="shownPath">Names the file in problems.</param>
/// <param name="progress">Called with the number of users read so far, every thousand rows and at the end.</param>
/// <param name="fileLength">The file's size in bytes, to size the table of ids once; 0 when unknown.</param>
internal sealed class CsvUserFile(string shownPath, AttributeMapping? mapping, Action<long>? progress, long fileLength = 0)
{
    private const int ProblemsShown = 100;
    private const int ProgressEvery = 1000;

    /// <summary>Rows whose length predicts how many the file has, so the id table is sized once instead of grown.</summary>
    private const int SizingRows = 256;

    private long sampledChars;

    /// <summary>
    /// The line each id was first on, by a 128-bit hash of the id: no strings for the collector to trace on every
    /// pass, and no false repeat (with 64 bits one among a million ids was about 3·10^-8 likely, and would have
    /// skipped a user and left the read incomplete), for 8 bytes more an id.
    /// </summary>
    private readonly Dictionary<Key128, int> lineOfId = [];
    private readonly CsvValues values = new();
    private CsvColumns? columns;
    private char[] scratch = new char[256];
    private long rows;
    private long usersRead;
    private int problems;

    /// <summary>Distinct groups of the users read.</summary>
    public int GroupsSeen => values.GroupsSeen;

    /// <summary>True when no row was skipped.</summary>
    public bool Complete => problems == 0;

    /// <summary>Yields a <see cref="UserEntry"/> per user and a <see cref="ProblemEntry"/> per skipped row (the first hundred).</summary>
    public async IAsyncEnumerable<DirectoryEntry> ReadAsync(TextReader text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // No header for the parser: blank lines may come first, and the header's problems are named by line here.
        // Read synchronously: the file is local, and a thread that parses without handing every buffer to another one
        // is several times faster. The engine reads a connector on a thread of its own and gives up on one that blocks.
        await Task.CompletedTask;
        using var reader = Sep.New(',')
            .Reader(o => o with { HasHeader = false, DisableColCountCheck = true })
            .From(text);
        var reported = -1L;
        while (reader.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rowsBefore = rows;
            var entry = Read(reader.Current);
            if (entry is not null) yield return entry;
            if (rows != rowsBefore && rows % ProgressEvery == 0) progress?.Invoke(reported = usersRead);
        }

        if (columns is null) throw Fail($"{shownPath}: the file is empty; expected a header row such as id,userName,email");
        if (reported != usersRead) progress?.Invoke(usersRead);
        if (problems > ProblemsShown) yield return new ProblemEntry($"{shownPath}: {problems - ProblemsShown} more problems not shown");
    }

    /// <summary>What one row yields: a user, a problem that is shown, or nothing (blank, header, problem not shown).</summary>
    private DirectoryEntry? Read(SepReader.Row row)
    {
        // The parser numbers lines right from its second row on; the first one is on line 1.
        var line = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
        var count = row.ColCount;
        if (row.Span.Contains('"'))
        {
            for (var i = 0; i < count; i++)
            {
                if (CsvField.QuotingProblem(CsvField.Trim(row[i].Span)) is { } broken)
                {
                    throw Fail($"{shownPath}:{line}: broken quoting: {broken} (write a quote inside a quoted field as \"\"); nothing after it can be trusted");
                }
            }
        }
        if (count == 1 && CsvField.Trim(row[0].Span).IsEmpty) return null;
        if (columns is null)
        {
            var header = new string[count];
            for (var i = 0; i < count; i++) header[i] = Text(row, i).ToString();
            columns = CsvColumns.Parse(header, mapping, out var problem) ?? throw Fail($"{shownPath}:{line}: {problem}");
            return null;
        }

        rows++;
        if (rows <= SizingRows) SizeIdTable(row.Span.Length);
        if (count != columns.Count)
        {
            if (row.Span.ContainsAny('\n', '\r'))
            {
                throw Fail($"{shownPath}:{line}: broken quoting: a quoted field runs over several lines and leaves the row " +
                    $"with {count} fields instead of {columns.Count}; check the quotes from this line on");
            }
            return Skip(line, $"expected {columns.Count} fields as in the header, found {count}");
        }
        var id = Text(row, columns.Id).ToString();
        if (id.Length == 0) return Skip(line, "id is empty");
        var enabledText = Text(row, columns.Enabled);
        if (ParseEnabled(enabledText) is not { } enabled)
        {
            return Skip(line, $"enabled is '{SafeText.Show(enabledText.ToString(), 40)}'; write true/false, yes/no or 1/0");
        }
        var idHash = Key128.Of(MemoryMarshal.AsBytes(id.AsSpan()));
        if (!lineOfId.TryAdd(idHash, line)) return Skip(line, $"id '{SafeText.Show(id, 40)}' appears again (first on line {lineOfId[idHash]})");

        var groups = values.Groups(Text(row, columns.Groups));
        var user = new ImportedUser
        {
            Id = id,
            Details = new UserDetails
            {
                UserName = Text(row, columns.UserName).ToString(),
                Email = Text(row, columns.Email).ToString(),
                DisplayName = Text(row, columns.DisplayName).ToString(),
                GivenName = values.GivenNames.Get(Text(row, columns.GivenName)),
                Surname = Text(row, columns.Surname).ToString(),
                Department = values.Departments.Get(Text(row, columns.Department)),
                Title = values.Titles.Get(Text(row, columns.Title)),
            },
            Groups = groups.Names,
            OrganizationalUnit = values.Units.Get(Text(row, columns.OrganizationalUnit)),
            Enabled = enabled,
            Attributes = Attributes(row),
        };
        if (ImportedUserCheck.Problem(user) is { } unsafeValue) return Skip(line, unsafeValue);
        values.Saw(groups);
        usersRead++;
        return new UserEntry(user, Checked: true);
    }

    /// <summary>
    /// Grows the id table once to the rows the file is likely to hold (its size over the first rows' average length,
    /// plus a tenth): growing it step by step rehashes every id several times, which was a fifth of a large read.
    /// </summary>
    private void SizeIdTable(int rowChars)
    {
        sampledChars += rowChars + 1;
        if (rows != SizingRows || fileLength <= 0) return;
        var expected = fileLength / Math.Max(1, sampledChars / SizingRows) * 11 / 10;
        lineOfId.EnsureCapacity((int)Math.Min(expected, 20_000_000));
    }

    /// <summary>Extra columns with a value; a blank cell is no attribute, so a filter's Exists means "has a value".</summary>
    private Dictionary<string, string>? Attributes(SepReader.Row row)
    {
        Dictionary<string, string>? attributes = null;
        foreach (var (index, name) in columns!.Attributes.AsSpan())
        {
            var value = Text(row, index);
            if (value.IsEmpty) continue;
            attributes ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            attributes[name] = values.Attributes.Get(value);
        }
        return attributes;
    }

    /// <summary>A field's value (trimmed, unquoted; quoting already checked), empty for a column the file does not have.</summary>
    private ReadOnlySpan<char> Text(SepReader.Row row, int index) =>
        index == CsvColumns.Absent ? [] : CsvField.Unquote(CsvField.Trim(row[index].Span), ref scratch);

    private static bool? ParseEnabled(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || Is(text, "true") || Is(text, "yes") || text is "1") return true;
        if (Is(text, "false") || Is(text, "no") || text is "0") return false;
        return null;

        static bool Is(ReadOnlySpan<char> text, string word) => text.Equals(word, StringComparison.OrdinalIgnoreCase);
    }

    private ProblemEntry? Skip(int line, string what) =>
        ++problems <= ProblemsShown ? new ProblemEntry($"{shownPath}:{line}: {what}; row skipped") : null;

    private static DirectoryReadException Fail(string message) => new(ErrorClass.Stalling, message);
}
