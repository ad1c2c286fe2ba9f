namespace Reconciler.Store.Contract;

/// <summary>A store that cannot be opened or used, with a message the user can act on (path, version, permission).</summary>
public class StoreException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when trying again later may work (the store is busy, the connection was lost).</summary>
    public virtual bool Transient => false;
}

/// <summary>Another writer changed the store (the store was busy): trying again may work.</summary>
public sealed class StoreBusyException(string message, Exception? inner = null) : StoreException(message, inner)
{
    public override bool Transient => true;
}

/// <summary>
/// A compare-and-swap failed: a row (or a source's snapshot) is not at the version the plan was made from, because
/// another writer changed it in between. Nothing of the transaction is kept; the caller plans again from what is there now.
/// </summary>
public class StoreConflictException(string message) : StoreException(message)
{
    public override bool Transient => true;
}
