using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Search.ReaderTraining;

/// <summary>
/// Makes TorchSharp's native wrapper load on Debian 12. <c>libLibTorchSharp.so</c> of TorchSharp 0.107.0 was linked
/// against GCC 13's libstdc++ and asks for the symbol version <c>GLIBCXX_3.4.32</c>, which Debian 12's libstdc++
/// (GCC 12, up to 3.4.30) lacks, so the load fails. It asks for it for one symbol only,
/// <c>std::ios_base_library_init()</c>, which GCC 13's &lt;iostream&gt; names to pull in the library's stream set-up
/// and which no relocation uses. Marking that one version requirement weak (the ELF flag <c>VER_FLG_WEAK</c> in
/// <c>.gnu.version_r</c>) lets the dynamic loader go on without it; nothing else changes. The copy in this program's
/// own output folder is patched once, before TorchSharp loads it; a system with a newer libstdc++ is left alone.
/// </summary>
public static class TorchNative
{
    private const string WrapperFile = "libLibTorchSharp.so";
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const uint VerneedSection = 0x6ffffffe;
    private const ushort WeakFlag = 0x2;

    /// <summary>The wrapper in <paramref name="folder"/> (default: where this program's native libraries are), patched when it must be.</summary>
    public static void Prepare(string? folder = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var wrapper = Path.Combine(folder ?? NativeFolder(), WrapperFile);
        if (!File.Exists(wrapper) || SystemHasVersion())
        {
            return;
        }

        var bytes = File.ReadAllBytes(wrapper);
        if (WeakenRequirement(bytes, MissingVersion))
        {
            var patched = wrapper + ".patched";
            File.WriteAllBytes(patched, bytes);
            File.Move(patched, wrapper, overwrite: true);
        }
    }

    /// <summary>Whether the loaded system libstdc++ defines <see cref="MissingVersion"/> (then nothing needs patching).</summary>
    private static bool SystemHasVersion()
    {
        foreach (var candidate in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" })
        {
            if (File.Exists(candidate))
            {
                return File.ReadAllBytes(candidate).AsSpan().IndexOf(Encoding.ASCII.GetBytes(MissingVersion + "\0")) >= 0;
            }
        }

        return false;
    }

    /// <summary>
    /// Sets <c>VER_FLG_WEAK</c> on every requirement of <paramref name="version"/> in a 64-bit little-endian ELF file.
    /// True when one was changed; false when there was none, or it was weak already.
    /// </summary>
    public static bool WeakenRequirement(byte[] elf, string version)
    {
        var file = elf.AsSpan();
        if (file.Length < 64 || !file[..4].SequenceEqual("\u007fELF"u8) || file[4] != 2 || file[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }

        var sectionTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(file[0x28..]);
        var sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(file[0x3A..]);
        var sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(file[0x3C..]);
        var wanted = Encoding.ASCII.GetBytes(version);
        var changed = false;
        for (var i = 0; i < sectionCount; i++)
        {
            var header = file[(sectionTable + i * sectionSize)..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != VerneedSection)
            {
                continue;
            }

            var offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]);
            var link = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x2C..]);
            var strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(file[(sectionTable + link * sectionSize + 0x18)..]);

            // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
            var need = offset;
            for (var n = 0; n < count; n++)
            {
                var auxCount = BinaryPrimitives.ReadUInt16LittleEndian(file[(need + 2)..]);
                var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(file[(need + 8)..]);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(file[(aux + 8)..]);
                    var end = file[name..].IndexOf((byte)0);
                    var flags = BinaryPrimitives.ReadUInt16LittleEndian(file[(aux + 4)..]);
                    if (file.Slice(name, end).SequenceEqual(wanted) && (flags & WeakFlag) == 0)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(file[(aux + 4)..], (ushort)(flags | WeakFlag));
                        changed = true;
                    }

                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(file[(aux + 12)..]);
                }

                var next = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[(need + 12)..]);
                if (next == 0)
                {
                    break;
                }

                need += next;
            }
        }

        return changed;
    }

    /// <summary>Whether the wrapper can be loaded now (for a clear error before TorchSharp's long one).</summary>
    public static bool CanLoad(string? folder = null)
    {
        return !OperatingSystem.IsLinux() || NativeLibrary.TryLoad(Path.Combine(folder ?? NativeFolder(), WrapperFile), out _);
    }

    /// <summary>Beside the program when it was built for linux-x64, else in the portable layout's runtimes folder.</summary>
    private static string NativeFolder()
    {
        var portable = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        return File.Exists(Path.Combine(AppContext.BaseDirectory, WrapperFile)) ? AppContext.BaseDirectory : portable;
    }
}
