using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reconciler.Core.Resources;

/// <summary>
/// Marks a string property that YAML authors may also write as a bare number (e.g. <c>quota: 0</c>).
/// The schema generator emits int-or-string for it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IntOrStringAttribute : Attribute;

/// <summary>
/// Reads a JSON number or string into a string. A number keeps its digits as written, so one too large for
/// 64 bits still reads as digits (and is reported as out of range) instead of turning into 1E+20.
/// </summary>
public sealed class IntOrStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw new JsonException("expected a number or a string"),
        };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}
