using System.Runtime.InteropServices;

namespace Search.Retrieval.Embeddings;

/// <summary>
/// Lowers the scheduling priority (the nice value) of the calling thread on Linux. .NET ignores
/// <see cref="Thread.Priority"/> there, so this asks the kernel directly; threads the caller creates afterwards
/// (the model's own thread pool among them) inherit the value.
/// </summary>
internal static partial class BackgroundPriority
{
    private const int PriorityOfProcess = 0; // PRIO_PROCESS: with a thread id, Linux applies it to that thread alone

    /// <summary>True when the calling thread now runs at <paramref name="nice"/> (0 normal, 19 lowest).</summary>
    public static bool TryLowerCurrentThread(int nice)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetPriority(PriorityOfProcess, GetThreadId(), nice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
