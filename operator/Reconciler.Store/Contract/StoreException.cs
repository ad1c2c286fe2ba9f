namespace Reconciler.Store.Contract;

/// <summary>A store that cannot be opened or used, with a message the user can act on (path, version, permission).</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);
