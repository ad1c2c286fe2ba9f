using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Reconciler.Sources.Folder;

/// <summary>A place in a YAML file and what is wrong there.</summary>
internal sealed record YamlProblem(Position At, string Message);

/// <summary>
/// How large a YAML configuration may be, and the pass that enforces it before YamlDotNet builds a tree.
/// A resource is a few dozen nodes a handful of levels deep, so the limits are far above any real file and far
/// below what exhausts memory or the stack:
/// <list type="bullet">
/// <item><see cref="MaxFileBytes"/> (1 MiB) per file, checked while reading it;</item>
/// <item><see cref="MaxDepth"/> (32) levels of nested lists and mappings: YamlDotNet's tree loading and System.Text.Json
/// recurse once per level, and System.Text.Json stops at 64;</item>
/// <item><see cref="MaxNodesPerDocument"/> (10,000) nodes per document with every alias counted as the nodes it stands
/// for, which is what the conversion to JSON produces: ten levels of nine aliases would be 10^9 nodes;</item>
/// <item><see cref="MaxNodesPerFolder"/> (250,000) nodes over all files of a folder, so many files that each stay
/// under the other limits still fit in memory.</item>
/// </list>
/// The pass reads YamlDotNet's parser events one by one with an explicit stack, so neither a 100,000-deep
/// <c>[[[[</c> nor an alias bomb costs more than the limit it runs into.
/// </summary>
internal static class YamlLimits
{
    public const int MaxFileBytes = 1 << 20;
    public const int MaxDepth = 32;
    public const int MaxNodesPerDocument = 10_000;
    public const int MaxNodesPerFolder = 250_000;

    public const string FileSizeLimit = "1 MiB";

    /// <summary>
    /// Checks one file's text; <paramref name="nodesLeft"/> is what the folder still allows. Returns the first
    /// problem (a syntax error, or a limit passed, at the place it is passed) or null, with the nodes counted.
    /// </summary>
    public static YamlProblem? Check(string text, int nodesLeft, out int nodes)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var count = new Count(nodesLeft);
        var lastGood = new Position(1, 1);
        try
        {
            while (parser.MoveNext())
            {
                if (count.Add(parser.Current!) is { } problem)
                {
                    nodes = count.Nodes;
                    return problem;
                }
                lastGood = Position.Of(parser.Current!.Start);
            }
        }
        catch (YamlException e)
        {
            nodes = count.Nodes;
            return YamlSyntax.Explain(e, text, lastGood);
        }
        catch (InvalidOperationException)
        {
            nodes = count.Nodes;
            return YamlSyntax.Unreadable(Position.Of(scanner.CurrentPosition));
        }
        nodes = count.Nodes;
        return null;
    }

    /// <summary>
    /// The running count of one file: the open collections (the explicit stack that replaces recursion), the size of
    /// each anchored node, and the nodes of the current document and of the file, aliases counted as what they stand for.
    /// </summary>
    private sealed class Count(int nodesLeft)
    {
        private readonly Stack<Collection> open = new();
        private readonly Dictionary<string, Anchored> anchors = new(StringComparer.Ordinal);
        private int documentNodes;

        public int Nodes { get; private set; }

        public YamlProblem? Add(ParsingEvent current)
        {
            switch (current)
            {
                case DocumentStart:
                    anchors.Clear();
                    documentNodes = 0;
                    return null;
                case AnchorAlias alias:
                    return Alias(alias);
                case Scalar scalar:
                    Remember(scalar.Anchor, 1, isScalar: true);
                    return Node(scalar, size: 1);
                case SequenceStart or MappingStart:
                    return Start((NodeEvent)current);
                case SequenceEnd or MappingEnd when open.TryPop(out var closed):
                    Remember(closed.Anchor, documentNodes - closed.NodesBefore, isScalar: false);
                    return null;
                default:
                    return null;
            }
        }

        private YamlProblem? Alias(AnchorAlias alias)
        {
            var name = alias.Value.Value;
            if (!anchors.TryGetValue(name, out var target))
                return new(Position.Of(alias.Start), $"alias *{name} does not refer to a complete node &{name} earlier in this document");
            if (!target.IsScalar && IsKey()) return KeyProblem(alias);
            if (documentNodes + target.Size > MaxNodesPerDocument)
                return new(Position.Of(alias.Start),
                    $"alias *{name} makes this document larger than {Thousands(MaxNodesPerDocument)} nodes once expanded; a resource needs far fewer");
            return Node(alias, target.Size);
        }

        private YamlProblem? Start(NodeEvent start)
        {
            if (IsKey()) return KeyProblem(start);
            if (open.Count >= MaxDepth)
                return new(Position.Of(start.Start), $"nested more than {MaxDepth} levels deep; a resource needs far fewer");
            var before = documentNodes;
            var problem = Node(start, size: 1);
            open.Push(new Collection(start is MappingStart, start.Anchor, before));
            return problem;
        }

        /// <summary>Counts a node (an alias as the nodes it stands for) as a child of the open collection.</summary>
        private YamlProblem? Node(ParsingEvent node, int size)
        {
            if (open.TryPeek(out var parent)) parent.Children++;
            documentNodes += size;
            Nodes += size;
            if (documentNodes > MaxNodesPerDocument)
                return new(Position.Of(node.Start), $"this document has more than {Thousands(MaxNodesPerDocument)} nodes; a resource needs far fewer");
            if (Nodes > nodesLeft)
                return new(Position.Of(node.Start), $"the YAML files of this folder have more than {Thousands(MaxNodesPerFolder)} nodes in all (aliases expanded)");
            return null;
        }

        private void Remember(AnchorName anchor, int size, bool isScalar)
        {
            if (!anchor.IsEmpty) anchors[anchor.Value] = new Anchored(size, isScalar);
        }

        /// <summary>Whether the next node is a mapping key: mappings alternate key, value, key, value.</summary>
        private bool IsKey() => open.TryPeek(out var parent) && parent.IsMapping && parent.Children % 2 == 0;
    }

    /// <summary>An open list or mapping: where its nodes started counting, and how many children it has so far.</summary>
    private sealed class Collection(bool isMapping, AnchorName anchor, int nodesBefore)
    {
        public bool IsMapping { get; } = isMapping;
        public AnchorName Anchor { get; } = anchor;
        public int NodesBefore { get; } = nodesBefore;
        public int Children { get; set; }
    }

    /// <summary>An anchored node: how many nodes an alias of it stands for, and whether it may serve as a key.</summary>
    private readonly record struct Anchored(int Size, bool IsScalar);

    private static YamlProblem KeyProblem(ParsingEvent node) =>
        new(Position.Of(node.Start), "a mapping key must be plain text, not a list or mapping");

    private static string Thousands(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
