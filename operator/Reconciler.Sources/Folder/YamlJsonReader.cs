using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reconciler.Sources.Folder;

/// <summary>One YAML document as JSON, with the position of every node.</summary>
internal sealed record YamlJsonDocument(JsonNode Root, SourceMap Map, Position Start);

/// <summary>The documents of one YAML file and the nodes they hold, or why it could not be read.</summary>
internal sealed record YamlReadResult(IReadOnlyList<YamlJsonDocument> Documents, Position ErrorAt, string? Error, int Nodes = 0);

/// <summary>
/// Reads YAML with YamlDotNet's representation model into System.Text.Json nodes. Plain scalars become
/// null, booleans and numbers where YAML 1.2 says so; quoted scalars are always strings. The text is first
/// checked against <see cref="YamlLimits"/> without building anything, so the tree built here is bounded
/// in depth (the conversion may recurse) and in size (aliases are expanded).
/// </summary>
internal static partial class YamlJsonReader
{
    private const string StringTag = "tag:yaml.org,2002:str";

    public static YamlReadResult Read(string text, int nodesLeft = YamlLimits.MaxNodesPerFolder)
    {
        if (YamlLimits.Check(text, nodesLeft, out var nodes) is { } problem) return new([], problem.At, problem.Message);
        var stream = new YamlStream();
        try
        {
            stream.Load(new Parser(new StringReader(text)));
        }
        catch (YamlException e)
        {
            // What the parser accepts but the tree does not, such as duplicate keys.
            return new([], Position.Of(e.Start), "invalid YAML: " + YamlSyntax.Describe(e.Message));
        }
        catch (ArgumentException)
        {
            // YamlDotNet's tree loader refuses some event sequences its parser produces for broken text.
            return new([], new Position(1, 1), "invalid YAML: cannot be parsed");
        }
        var documents = new List<YamlJsonDocument>();
        foreach (var document in stream.Documents)
        {
            var map = new SourceMap();
            JsonNode? root;
            try
            {
                root = Convert(document.RootNode, "", "", null, map);
            }
            catch (YamlException e)
            {
                return new([], Position.Of(e.Start), "invalid YAML: " + e.Message);
            }
            if (root is not null) documents.Add(new YamlJsonDocument(root, map, Position.Of(document.RootNode.Start)));
        }
        return new YamlReadResult(documents, default, null, nodes);
    }

    private static JsonNode? Convert(YamlNode node, string pointer, string path, Position? key, SourceMap map)
    {
        map.Add(pointer, path, Position.Of(node.Start), key);
        switch (node)
        {
            case YamlScalarNode scalar:
                return Scalar(scalar);
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, pointer + "/" + index, FieldPath.Item(path, index), null, map));
                    index++;
                }
                return array;
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, value) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } name })
                        throw new YamlException(keyNode.Start, keyNode.End, "a mapping key must be plain text, not a list or mapping");
                    obj[name] = Convert(value, FieldPath.ChildPointer(pointer, name), FieldPath.Child(path, name), Position.Of(keyNode.Start), map);
                }
                return obj;
            default:
                throw new YamlException(node.Start, node.End, "unsupported YAML node");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag)) return JsonValue.Create(value);
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (IntegerPattern().IsMatch(value))
        {
            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
            if (decimal.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)) return JsonValue.Create(big);
        }
        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return JsonValue.Create(number);
        return JsonValue.Create(value);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
