using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reconciler.Core.Text;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// Recursive descent over the filter grammar of RFC 7644 §3.4.2.2 and the PATCH path grammar of §3.5.2:
/// <c>or</c> of <c>and</c>s of factors, a factor being <c>not (…)</c>, <c>(…)</c>, a value path or a comparison.
/// Only parentheses, <c>not</c> and brackets recurse, each counted against <see cref="ScimFilter.MaxDepth"/>;
/// chains of <c>and</c>/<c>or</c> are loops. Keywords and operators ignore case. Errors name the character position.
/// </summary>
internal sealed class ScimFilterParser
{
    private readonly string text;
    private readonly string scimType;
    private int position;
    private int depth;
    private bool inValueFilter;

    private ScimFilterParser(string text, string scimType)
    {
        this.text = text;
        this.scimType = scimType;
    }

    public static ScimFilter Parse(string text)
    {
        var parser = new ScimFilterParser(text, "invalidFilter");
        parser.CheckLength("filter", ScimFilter.MaxLength);
        var filter = parser.ParseOr();
        parser.SkipSpaces();
        if (parser.position < text.Length) throw parser.Error("expected 'and', 'or' or the end of the filter");
        return filter;
    }

    /// <summary>A PATCH path: <c>attrPath</c> or <c>attrPath[valFilter]</c> with an optional <c>.subAttr</c> after it.</summary>
    public static ScimPath ParsePath(string text)
    {
        var parser = new ScimFilterParser(text, "invalidPath");
        parser.CheckLength("path", AttributePath.MaxLength * 4);
        var attribute = parser.ReadAttributePath();
        if (parser.position == text.Length) return new ScimPath(attribute, null, null);
        if (text[parser.position] != '[' || attribute.SubAttribute is not null)
        {
            throw parser.Error("expected '[' or the end of the path");
        }
        var filter = parser.ParseValueFilter();
        if (parser.position == text.Length) return new ScimPath(attribute, filter, null);
        if (text[parser.position] != '.') throw parser.Error("expected '.subAttribute' or the end of the path");
        parser.position++;
        var start = parser.position;
        while (parser.position < text.Length && IsWordChar(text[parser.position])) parser.position++;
        var sub = text[start..parser.position];
        if (!AttributePath.IsName(sub) || parser.position < text.Length)
        {
            parser.position = start;
            throw parser.Error("expected a sub-attribute name after ']'");
        }
        return new ScimPath(attribute, filter, sub);
    }

    private ScimFilter ParseOr()
    {
        var left = ParseAnd();
        while (NextKeywordIs("or")) left = new Or(left, ParseAnd());
        return left;
    }

    private ScimFilter ParseAnd()
    {
        var left = ParseFactor();
        while (NextKeywordIs("and")) left = new And(left, ParseFactor());
        return left;
    }

    private ScimFilter ParseFactor()
    {
        SkipSpaces();
        if (NextKeywordIs("not"))
        {
            SkipSpaces();
            if (Peek() != '(') throw Error("expected '(' after 'not'");
            return new Not(ParseGroup());
        }
        if (Peek() == '(') return ParseGroup();
        var path = ReadAttributePath();
        if (Peek() == '[')
        {
            if (inValueFilter) throw Error("a value filter cannot hold another value filter");
            if (path.SubAttribute is not null) throw Error("a value filter follows an attribute, not a sub-attribute");
            return new ValuePath(path, ParseValueFilter());
        }
        SkipSpaces();
        var operatorAt = position;
        var word = ReadWord();
        if (word.Equals("pr", StringComparison.OrdinalIgnoreCase)) return new Present(path);
        if (!Enum.TryParse<ScimOperator>(word, ignoreCase: true, out var op) || word.Length != 2)
        {
            position = operatorAt;
            throw Error($"expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after '{SafeText.Show(path.ToString(), 60)}'");
        }
        return new Comparison(path, op, ReadValue(word));
    }

    private ScimFilter ParseGroup()
    {
        Enter();
        position++;
        var inner = ParseOr();
        SkipSpaces();
        if (Peek() != ')') throw Error("expected ')'");
        position++;
        depth--;
        return inner;
    }

    /// <summary>Reads <c>[valFilter]</c>; the position is on the '['.</summary>
    private ScimFilter ParseValueFilter()
    {
        Enter();
        position++;
        inValueFilter = true;
        var inner = ParseOr();
        inValueFilter = false;
        SkipSpaces();
        if (Peek() != ']') throw Error("expected ']'");
        position++;
        depth--;
        return inner;
    }

    private AttributePath ReadAttributePath()
    {
        SkipSpaces();
        var start = position;
        var word = ReadWord();
        if (word.Length == 0) throw Error(position < text.Length ? "expected an attribute name" : "expected an attribute name, found the end");
        if (!AttributePath.TryParse(word, out var path))
        {
            position = start;
            throw Error($"'{SafeText.Show(word, 60)}' is not an attribute name");
        }
        return path;
    }

    /// <summary>compValue = false / null / true / number / string (RFC 7159 literals).</summary>
    private JsonNode? ReadValue(string op)
    {
        SkipSpaces();
        var start = position;
        var c = Peek();
        if (c == '"')
        {
            position++;
            while (position < text.Length && text[position] != '"') position += text[position] == '\\' ? 2 : 1;
            if (position >= text.Length)
            {
                position = start;
                throw Error("the string is not closed by '\"'");
            }
            position++;
            return Literal(start);
        }
        if (c == '-' || char.IsAsciiDigit(c))
        {
            position++;
            while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] is '.' or 'e' or 'E' or '+' or '-')) position++;
            return Literal(start);
        }
        var word = ReadWord();
        if (word.Equals("true", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(true);
        if (word.Equals("false", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(false);
        if (word.Equals("null", StringComparison.OrdinalIgnoreCase)) return null;
        position = start;
        throw Error($"expected a value (a \"string\", number, true, false or null) after '{op}'");
    }

    private JsonNode Literal(int start)
    {
        try
        {
            return JsonNode.Parse(text.AsSpan(start, position - start).ToString()) ?? throw new JsonException();
        }
        catch (JsonException)
        {
            position = start;
            throw Error("invalid JSON literal");
        }
    }

    private bool NextKeywordIs(string keyword)
    {
        SkipSpaces();
        var end = position + keyword.Length;
        if (end > text.Length || string.Compare(text, position, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) != 0) return false;
        if (end < text.Length && IsWordChar(text[end])) return false;
        position = end;
        return true;
    }

    private string ReadWord()
    {
        var start = position;
        while (position < text.Length && IsWordChar(text[position])) position++;
        return text[start..position];
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ':' or '.' or '$';

    private char Peek() => position < text.Length ? text[position] : '\0';

    private void SkipSpaces()
    {
        while (position < text.Length && text[position] == ' ') position++;
    }

    private void Enter()
    {
        if (++depth > ScimFilter.MaxDepth) throw Error($"nested more than {ScimFilter.MaxDepth} levels deep");
    }

    private void CheckLength(string what, int max)
    {
        if (text.Length == 0) throw new ScimException(400, scimType, $"the {what} is empty");
        if (text.Length > max)
        {
            throw new ScimException(400, scimType,
                string.Create(CultureInfo.InvariantCulture, $"the {what} is {text.Length:N0} characters long; at most {max:N0} are allowed"));
        }
    }

    private ScimException Error(string problem)
    {
        var found = position < text.Length ? $", found '{SafeText.Show(text[position..], 20)}'" : "";
        return new ScimException(400, scimType,
            string.Create(CultureInfo.InvariantCulture, $"invalid {(scimType == "invalidPath" ? "path" : "filter")} at character {position + 1}: {problem}{found}"));
    }
}
