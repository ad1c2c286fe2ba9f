namespace Reconciler.Core.Status;

/// <summary>
/// What a failed reconcile means for retrying it, as Flux classifies errors. One catch site per reconcile maps every
/// failure to one of these and to the resource's conditions.
/// </summary>
public enum ErrorClass
{
    /// <summary>Retrying cannot help (invalid spec, bad credentials): wait until the spec or a referenced secret changes.</summary>
    Stalling,

    /// <summary>Something else must happen first (a dependency not ready, 429/503 with Retry-After): retry then.</summary>
    Waiting,

    /// <summary>Anything else (a timeout, a lost connection): retry with exponential backoff and jitter.</summary>
    Transient,
}
