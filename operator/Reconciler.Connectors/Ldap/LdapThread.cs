using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Reconciler.Connectors.Ldap;

/// <summary>
/// The one thread that makes every libldap call of a connection, in order. Two reasons:
/// <list type="bullet">
/// <item>libldap waits in poll(), which a signal interrupts; it reports the EINTR as "server unavailable". This
/// process gets SIGCHLD whenever a child process ends (the runtime handles it for <see cref="System.Diagnostics.Process"/>),
/// so this thread blocks SIGCHLD and the kernel delivers it to another one.</item>
/// <item>The handle is never used by two threads at once, and is closed only after the last call on it returned,
/// even when its caller stopped waiting (a cancelled read, a bind past its deadline).</item>
/// </list>
/// </summary>
internal sealed class LdapThread
{
    private readonly BlockingCollection<Action> _work = new();
    private int _finished;

    public LdapThread(string name)
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Queues a call; the task ends with its result or its exception.</summary>
    public Task<T> Run<T>(Func<T> call)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(call());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    /// <summary>Runs <paramref name="last"/> after every call queued so far, then ends the thread.</summary>
    public void Finish(Action last)
    {
        // Once only: the loop disposes the queue when it ends, so a second Finish must not touch it.
        if (Interlocked.Exchange(ref _finished, 1) == 1) return;
        _work.Add(last);
        _work.CompleteAdding();
    }

    private void Loop()
    {
        BlockChildSignals();
        foreach (var work in _work.GetConsumingEnumerable())
        {
            try
            {
                work();
            }
            catch (Exception)
            {
                // Only Finish's last action can throw here (Run's calls catch their own): nothing waits for it.
            }
        }
        _work.Dispose();
    }

    private const int SigBlock = 0;
    private const int SigChld = 17;

    private static void BlockChildSignals()
    {
        if (!OperatingSystem.IsLinux()) return;
        // sigset_t is opaque (128 bytes in glibc); let libc fill it.
        var set = Marshal.AllocHGlobal(256);
        try
        {
            if (SigEmptySet(set) == 0 && SigAddSet(set, SigChld) == 0) _ = PthreadSigmask(SigBlock, set, IntPtr.Zero);
        }
        finally
        {
            Marshal.FreeHGlobal(set);
        }
    }

    [DllImport("libc", EntryPoint = "sigemptyset")]
    private static extern int SigEmptySet(IntPtr set);

    [DllImport("libc", EntryPoint = "sigaddset")]
    private static extern int SigAddSet(IntPtr set, int signal);

    [DllImport("libc", EntryPoint = "pthread_sigmask")]
    private static extern int PthreadSigmask(int how, IntPtr set, IntPtr oldSet);
}
