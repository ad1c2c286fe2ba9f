using Reconciler.Connectors;
using Reconciler.Core.Status;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Hosting;

/// <summary>
/// The one place a failed reconcile is classified (as Flux does): stalling waits for a change of spec or secret,
/// waiting retries at the time it was told, transient backs off.
/// </summary>
public static class ErrorClassifier
{
    public sealed record Classified(ErrorClass Class, string Message, TimeSpan? RetryAfter);

    public static Classified Classify(Exception error) => error switch
    {
        DirectoryReadException read => new(read.ErrorClass, read.Message, read.RetryAfter),
        StoreException store => new(store.Transient ? ErrorClass.Transient : ErrorClass.Stalling, store.Message, null),
        TimeoutException timeout => new(ErrorClass.Transient, timeout.Message, null),
        IOException io => new(ErrorClass.Transient, io.Message, null),
        UnauthorizedAccessException denied => new(ErrorClass.Stalling, denied.Message, null),
        _ => new(ErrorClass.Transient, $"{error.GetType().Name}: {error.Message}", null),
    };

    /// <summary>The label metrics use for an error class.</summary>
    public static string Label(ErrorClass errorClass) => errorClass switch
    {
        ErrorClass.Stalling => "stalling",
        ErrorClass.Waiting => "waiting",
        _ => "transient",
    };
}
