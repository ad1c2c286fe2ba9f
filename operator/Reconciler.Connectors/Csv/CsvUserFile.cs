using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Connectors.Csv;

/// <summary>
/// Reads the users of one CSV export, streaming, record by record. A bad row is skipped and reported with its
/// physical line; a bad file (no header, broken quoting, not text) stops the read and fails it as a whole.
/// </summary>
internal sealed class CsvUserFile
{
    private const int ProblemsShown = 100;
    private const int ProgressEvery = 1000;

    private readonly string path;
    private readonly List<ImportedUser> users = [];
    private readonly List<string> problems = [];
    private readonly Dictionary<string, int> lineOfId = new(StringComparer.Ordinal);
    private readonly HashSet<string> groups = new(StringComparer.Ordinal);
    private int problemsNotShown;

    private CsvUserFile(string path) => this.path = path;

    /// <summary>What was read: users in file order, or a failure; problems name the file and line.</summary>
    public sealed record Result(IReadOnlyList<ImportedUser> Users, IReadOnlyList<string> Problems, bool Failed, int GroupsSeen);

    /// <param name="path">Names the file in problems.</param>
    /// <param name="progress">Called with the number of users read so far, every thousand rows and at the end.</param>
    public static Task<Result> ReadAsync(
        TextReader text, string path, AttributeMapping? mapping, Action<long>? progress, CancellationToken cancellationToken) =>
        new CsvUserFile(path).ReadAllAsync(text, mapping, progress, cancellationToken);

    private async Task<Result> ReadAllAsync(
        TextReader text, AttributeMapping? mapping, Action<long>? progress, CancellationToken cancellationToken)
    {
        string? badField = null;
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            // Blank lines come through as records and are skipped here, so that every record's line is known.
            IgnoreBlankLines = false,
            TrimOptions = TrimOptions.Trim,
            BadDataFound = args => badField ??= args.Field,
            // Field counts are checked per row below, against the header.
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            CacheFields = true,
        };
        using var parser = new CsvParser(text, configuration);
        CsvColumns? columns = null;
        var endOfLastRecord = 0;
        var rows = 0;
        var reported = -1L;
        var fields = new string[16];
        try
        {
            while (await parser.ReadAsync())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var line = endOfLastRecord + 1;
                endOfLastRecord = parser.RawRow;
                // CsvHelper parses fields (and finds bad quoting) when they are read, so read them all first.
                var row = Fields(parser, ref fields);
                if (badField is not null) return Fail($"{path}:{line}: {BrokenQuoting(badField)}");
                if (row.Length == 1 && row[0].Length == 0) continue;
                if (columns is null)
                {
                    columns = CsvColumns.Parse(row.ToArray(), mapping, out var problem);
                    if (columns is null) return Fail($"{path}:{line}: {problem}");
                    continue;
                }
                if (row.Length != columns.Count && HasLineBreak(row))
                {
                    return Fail($"{path}:{line}: broken quoting: a quoted field runs over several lines and leaves the row " +
                        $"with {row.Length} fields instead of {columns.Count}; check the quotes from this line on");
                }
                AddRow(row, columns, line);
                if (++rows % ProgressEvery == 0) progress?.Invoke(reported = users.Count);
            }
        }
        catch (DecoderFallbackException)
        {
            return Fail($"{path}: the file is not UTF-8 text (invalid bytes after line {endOfLastRecord}); " +
                "save it as UTF-8, e.g. 'CSV UTF-8' in Excel");
        }

        if (columns is null) return Fail($"{path}: the file is empty; expected a header row such as id,userName,email");
        if (reported != users.Count) progress?.Invoke(users.Count);
        if (problemsNotShown > 0) problems.Add($"{path}: {problemsNotShown} more problems not shown");
        return new Result(users, problems, Failed: false, groups.Count);
    }

    private void AddRow(ReadOnlySpan<string> row, CsvColumns columns, int line)
    {
        if (row.Length != columns.Count)
        {
            Problem(line, $"expected {columns.Count} fields as in the header, found {row.Length}; row skipped");
            return;
        }
        var id = row[columns.Id];
        if (id.Length == 0)
        {
            Problem(line, "id is empty; row skipped");
            return;
        }
        var enabledText = Field(row, columns.Enabled);
        if (ParseEnabled(enabledText) is not { } enabled)
        {
            Problem(line, $"enabled is '{enabledText}'; write true/false, yes/no or 1/0; row skipped");
            return;
        }
        if (!lineOfId.TryAdd(id, line))
        {
            Problem(line, $"id '{id}' appears again (first on line {lineOfId[id]}); row skipped");
            return;
        }

        var memberOf = Field(row, columns.Groups).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        groups.UnionWith(memberOf);
        users.Add(new ImportedUser
        {
            Id = id,
            Details = new UserDetails
            {
                UserName = row[columns.UserName],
                Email = row[columns.Email],
                DisplayName = Field(row, columns.DisplayName),
                GivenName = Field(row, columns.GivenName),
                Surname = Field(row, columns.Surname),
                Department = Field(row, columns.Department),
                Title = Field(row, columns.Title),
            },
            Groups = memberOf,
            OrganizationalUnit = Field(row, columns.OrganizationalUnit),
            Enabled = enabled,
            Attributes = Attributes(row, columns),
        });
    }

    /// <summary>Extra columns with a value; a blank cell is no attribute, so a filter's Exists means "has a value".</summary>
    private static Dictionary<string, string>? Attributes(ReadOnlySpan<string> row, CsvColumns columns)
    {
        Dictionary<string, string>? attributes = null;
        foreach (var (index, name) in columns.Attributes)
        {
            var value = row[index];
            if (value.Length == 0) continue;
            attributes ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            attributes[name] = value;
        }
        return attributes;
    }

    private static bool? ParseEnabled(string text)
    {
        if (text.Length == 0 || Is("true") || Is("yes") || text == "1") return true;
        if (Is("false") || Is("no") || text == "0") return false;
        return null;

        bool Is(string word) => text.Equals(word, StringComparison.OrdinalIgnoreCase);
    }

    private static string BrokenQuoting(string field)
    {
        var quotes = field.Count(c => c == '"');
        var what = !field.StartsWith('"') ? "a quote inside a field that does not start with one"
            : quotes % 2 == 1 ? "a quoted field is never closed"
            : "text after the closing quote of a field";
        return $"broken quoting: {what} (write a quote inside a quoted field as \"\"); nothing after it can be trusted";
    }

    private static string Field(ReadOnlySpan<string> row, int index) => index == CsvColumns.Absent ? "" : row[index];

    private static bool HasLineBreak(ReadOnlySpan<string> row)
    {
        foreach (var field in row)
        {
            if (field.AsSpan().ContainsAny('\n', '\r')) return true;
        }
        return false;
    }

    /// <summary>The current record's fields, in a buffer reused from row to row.</summary>
    private static ReadOnlySpan<string> Fields(CsvParser parser, ref string[] buffer)
    {
        if (buffer.Length < parser.Count) buffer = new string[Math.Max(parser.Count, buffer.Length * 2)];
        for (var i = 0; i < parser.Count; i++) buffer[i] = parser[i];
        return buffer.AsSpan(0, parser.Count);
    }

    private void Problem(int line, string what)
    {
        if (problems.Count < ProblemsShown) problems.Add($"{path}:{line}: {what}");
        else problemsNotShown++;
    }

    private Result Fail(string problem) => new([], [problem], Failed: true, 0);
}
