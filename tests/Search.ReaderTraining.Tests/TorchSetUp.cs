using System.Runtime.CompilerServices;
using Search.ReaderTraining;

namespace Search.ReaderTraining.Tests;

internal static class TorchSetUp
{
    /// <summary>Before any test touches TorchSharp: its native wrapper patched where this system needs it (TorchNative).</summary>
    [ModuleInitializer]
    internal static void Prepare() => TorchNative.Prepare();
}
