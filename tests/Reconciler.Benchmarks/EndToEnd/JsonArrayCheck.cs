using System.Text.Json;

namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>
/// Checks that a file is one JSON array of objects and counts them, reading it in 1 MiB blocks with
/// <see cref="Utf8JsonReader"/>: the output of `users list --output json` over a million users is never held whole.
/// </summary>
public static class JsonArrayCheck
{
    public static long CountObjects(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var buffer = new byte[1 << 20];
        var state = new JsonReaderState();
        var carried = 0;
        long items = 0;
        var started = false;
        var ended = false;
        while (true)
        {
            var read = file.Read(buffer, carried, buffer.Length - carried);
            var final = read == 0;
            var reader = new Utf8JsonReader(buffer.AsSpan(0, carried + read), final, state);
            try
            {
                while (reader.Read())
                {
                    if (!started)
                    {
                        if (reader.TokenType != JsonTokenType.StartArray) throw new BenchFailure($"{path} does not start with a JSON array");
                        started = true;
                    }
                    else if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndArray)
                    {
                        ended = true;
                    }
                    else if (reader.CurrentDepth == 1 && reader.TokenType != JsonTokenType.PropertyName && reader.TokenType != JsonTokenType.EndObject)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject) throw new BenchFailure($"{path}: item {items + 1} is a {reader.TokenType}, not an object");
                        items++;
                    }
                }
            }
            catch (JsonException e)
            {
                throw new BenchFailure($"{path} is not valid JSON after {items:N0} items: {e.Message}");
            }
            if (final) break;
            state = reader.CurrentState;
            carried = (int)(carried + read - reader.BytesConsumed);
            if (carried == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2); // one token longer than the buffer
            buffer.AsSpan((int)reader.BytesConsumed, carried).CopyTo(buffer);
        }
        if (!started || !ended) throw new BenchFailure($"{path} is not a complete JSON array (read {items:N0} items)");
        return items;
    }
}
