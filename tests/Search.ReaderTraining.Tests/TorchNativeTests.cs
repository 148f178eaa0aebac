using System.Text;
using Search.ReaderTraining;

namespace Search.ReaderTraining.Tests;

public sealed class TorchNativeTests
{
    private static string Wrapper => Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");

    [Fact]
    public void TheWrapperLoadsOnThisMachine() => Assert.True(TorchNative.CanLoad(), $"{Wrapper} does not load");

    [Fact]
    public void TheRequirementIsMadeWeakOnceAndOnlyThatOne()
    {
        var original = File.ReadAllBytes(Wrapper);
        var bytes = (byte[])original.Clone();
        // The copy beside the tests may be patched already (this machine's libstdc++ predates GCC 13): then nothing changes.
        var changed = TorchNative.WeakenRequirement(bytes, "GLIBCXX_3.4.32");
        Assert.False(TorchNative.WeakenRequirement(bytes, "GLIBCXX_3.4.32"));
        var differences = Enumerable.Range(0, bytes.Length).Count(i => bytes[i] != original[i]);
        Assert.Equal(changed ? 1 : 0, differences);
        Assert.False(TorchNative.WeakenRequirement(bytes, "GLIBCXX_0.0.0"));
    }

    [Fact]
    public void AFileThatIsNotElfIsRefused() =>
        Assert.Throws<InvalidDataException>(() => TorchNative.WeakenRequirement(Encoding.ASCII.GetBytes(new string('x', 100)), "GLIBCXX_3.4.32"));
}
