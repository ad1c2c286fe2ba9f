using Reconciler.Core.Resources;
using Reconciler.Store.Contract;

namespace Reconciler.Http.Scim;

/// <summary>What the SCIM endpoint needs from its host.</summary>
public sealed record ScimOptions
{
    public required IScimStore Store { get; init; }

    /// <summary>The declared source of that qualified name (namespace/name), or null; only Scim sources are served.</summary>
    public required Func<string, DirectorySource?> Source { get; init; }

    /// <summary>Asks for a reconcile of the source a write changed (coalesced by the engine's queue).</summary>
    public required Action<DirectorySource> Enqueue { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Requests a token may make per second on average; more get 429 with Retry-After.</summary>
    public int RequestsPerSecond { get; init; } = 10_000;

    /// <summary>Requests a token may make at once above the average (the bucket's size).</summary>
    public int Burst { get; init; } = 20_000;

    /// <summary>Larger request bodies are refused with 413 before they are parsed.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>Resources in one page of a listing at most (RFC 7644 §3.4.2.4: the provider may cap count).</summary>
    public int MaxPageSize { get; init; } = 1000;
}
