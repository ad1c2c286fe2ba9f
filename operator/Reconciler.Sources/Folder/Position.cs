namespace Reconciler.Sources.Folder;

/// <summary>A 1-based line and column in a YAML file.</summary>
internal readonly record struct Position(int Line, int Column)
{
    public static Position Of(YamlDotNet.Core.Mark mark) => new((int)mark.Line, (int)mark.Column);
}
