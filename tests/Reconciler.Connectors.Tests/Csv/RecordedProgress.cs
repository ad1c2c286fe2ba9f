namespace Reconciler.Connectors.Tests.Csv;

/// <summary>Collects progress as it is reported, on the reporting thread.</summary>
public sealed class RecordedProgress : IProgress<ImportProgress>
{
    public List<ImportProgress> Reports { get; } = [];

    public void Report(ImportProgress value) => Reports.Add(value);
}
