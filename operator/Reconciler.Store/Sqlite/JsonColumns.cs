using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Reconciler.Core.Planning;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// Lists and maps kept in one text column as JSON (groups, attributes, problems, audit details), so that any SQL
/// database can hold them and a person can read them. One instance reuses its buffer across rows; not thread-safe.
/// </summary>
internal sealed class JsonColumns
{
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter writer;

    // Relaxed escaping keeps names like "Müller" readable in the database; the text never reaches HTML.
    public JsonColumns() =>
        writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public string Array(IReadOnlyList<string> values) => Encoding.UTF8.GetString(ArrayUtf8(values));

    /// <summary>The array as UTF-8, valid until this instance writes again.</summary>
    public ReadOnlySpan<byte> ArrayUtf8(IReadOnlyList<string> values)
    {
        if (values.Count == 0) return "[]"u8;
        Begin();
        writer.WriteStartArray();
        foreach (var value in values) writer.WriteStringValue(value);
        writer.WriteEndArray();
        return End();
    }

    /// <summary>A JSON object as UTF-8, keys in ordinal order so equal maps give equal text; valid until the next write.</summary>
    public ReadOnlySpan<byte> MapUtf8(IReadOnlyDictionary<string, string> values)
    {
        Begin();
        writer.WriteStartObject();
        foreach (var key in values.Keys.Order(StringComparer.Ordinal)) writer.WriteString(key, values[key]);
        writer.WriteEndObject();
        return End();
    }

    /// <summary>Field changes as an array of {field, from, to}, UTF-8, valid until the next write.</summary>
    public ReadOnlySpan<byte> FieldChangesUtf8(IReadOnlyList<FieldChange> changes)
    {
        if (changes.Count == 0) return "[]"u8;
        Begin();
        writer.WriteStartArray();
        foreach (var change in changes)
        {
            writer.WriteStartObject();
            writer.WriteString("field", change.Field);
            writer.WriteString("from", change.From);
            writer.WriteString("to", change.To);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        return End();
    }

    public static IReadOnlyList<string> ParseArray(string text) => ParseArray(Encoding.UTF8.GetBytes(text));

    public static IReadOnlyList<string> ParseArray(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= 2) return [];
        var values = new List<string>();
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) values.Add(reader.GetString() ?? "");
        return values;
    }

    /// <summary>Attribute names are matched case-insensitively, as directories do.</summary>
    public static IReadOnlyDictionary<string, string> ParseMap(ReadOnlySpan<byte> utf8)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            values[key] = reader.GetString() ?? "";
        }
        return values;
    }

    private void Begin()
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
    }

    private ReadOnlySpan<byte> End()
    {
        writer.Flush();
        return buffer.WrittenSpan;
    }
}
