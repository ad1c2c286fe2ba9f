namespace Reconciler.Benchmarks.EndToEnd;

/// <summary>The suite cannot give trustworthy figures: a command failed, a check did not hold, a tool is missing.</summary>
public sealed class BenchFailure(string message) : Exception(message);
