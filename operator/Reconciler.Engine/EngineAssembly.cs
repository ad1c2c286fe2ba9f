namespace Reconciler.Engine;

/// <summary>
/// The reconcile use cases: a work queue keyed per resource, one reconcile per key (read → plan → one
/// transaction), error classes and requeue, hosted as a background service by `reconciler run` and the operator.
/// </summary>
internal static class EngineAssembly;
