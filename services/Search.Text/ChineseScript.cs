using System.Buffers;
using System.Text;
using Lucene.Net.Analysis.CharFilters;

namespace Search.Text;

/// <summary>
/// Folding of Traditional Chinese characters to their Simplified forms, so that a
/// question in either script finds passages in both. Every fold maps one character
/// to one character, which keeps every offset into the original text valid. The
/// character data is published data embedded from OpenCC/ (see its NOTICE.md).
/// </summary>
public static class ChineseScript
{
    private const byte Traditional = 1;
    private const byte Simplified = 2;

    // Loaded once, on first use. The char map is built apart because only the analyzer needs
    // it and building it costs more than reading the data.
    private static readonly Lazy<Tables> Data = new(Load);
    private static readonly Lazy<NormalizeCharMap> Map = new(BuildCharMap);

    /// <summary>The Lucene char map used by <see cref="SearchAnalyzer"/>.</summary>
    public static NormalizeCharMap CharMap => Map.Value;

    /// <summary>Number of Traditional → Simplified pairs known.</summary>
    public static int PairCount => Data.Value.PairCount;

    public static char ToSimplified(char c) => Data.Value.Fold[c];

    public static string ToSimplified(string text)
    {
        var tables = Data.Value;
        var first = text.AsSpan().IndexOfAny(tables.Keys);
        if (first < 0)
        {
            return text;
        }

        return string.Create(text.Length, (Text: text, First: first, tables.Fold), static (chars, state) =>
        {
            state.Text.AsSpan().CopyTo(chars);
            for (var i = state.First; i < chars.Length; i++)
            {
                chars[i] = state.Fold[chars[i]];
            }
        });
    }

    /// <summary>A character written only in Traditional script (it has a different Simplified form).</summary>
    public static bool IsTraditionalOnly(char c) => (Data.Value.Script[c] & Traditional) != 0;

    /// <summary>A character written only in Simplified script.</summary>
    public static bool IsSimplifiedOnly(char c) => (Data.Value.Script[c] & Simplified) != 0;

    public static bool IsHan(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';

    private static Tables Load()
    {
        // Flat tables indexed by the character itself: folding runs per query and per
        // passage at ingest, so a lookup is one array read.
        var fold = new char[char.MaxValue + 1];
        for (var c = 0; c < fold.Length; c++)
        {
            fold[c] = (char)c;
        }

        var script = new byte[char.MaxValue + 1];
        var keys = new List<char>();
        foreach (var (key, values) in Read("TSCharacters.txt"))
        {
            // Only a single character whose first (usual) Simplified form is a single, different
            // character: longer or supplementary-plane forms would change the text's length.
            if (key.Length != 1 || values[0].Length != 1 || key == values[0])
            {
                continue;
            }

            fold[key[0]] = values[0][0];
            keys.Add(key[0]);

            // 乾 and 於 fold, but the data lists them as Simplified forms too (乾隆), so they show no script.
            if (!values.Contains(key))
            {
                script[key[0]] |= Traditional;
            }
        }

        // One pass must reach a form that folds no further (薴 → 苧 → 苎), so folding twice changes nothing.
        foreach (var key in keys)
        {
            var target = fold[key];
            for (var step = 0; step < 4 && fold[target] != target; step++)
            {
                target = fold[target];
            }

            fold[key] = target;
        }

        // A Simplified character shows the script unless Traditional text writes it too: the data
        // keeps it as one of its own Traditional forms (后 皇后, 台 台北), or Taiwan or Hong Kong
        // write it for the standard form (床 for 牀, 群 for 羣).
        var regional = Read("TWVariants.txt").Concat(Read("HKVariants.txt"))
            .SelectMany(row => row.Values.Select(form => (Standard: row.Key, Regional: form)))
            .ToHashSet();
        foreach (var (key, values) in Read("STCharacters.txt"))
        {
            if (key.Length != 1 || values.Contains(key) || fold[key[0]] != key[0]
                || values.Any(standard => regional.Contains((standard, key))))
            {
                continue;
            }

            script[key[0]] |= Simplified;
        }

        return new Tables(fold, script, SearchValues.Create(keys.ToArray()), keys.Count);
    }

    private static IEnumerable<(string Key, string[] Values)> Read(string file)
    {
        var name = $"Search.Text.OpenCC.{file}";
        using var stream = typeof(ChineseScript).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The character data {name} is not embedded in {typeof(ChineseScript).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // "key<TAB>value value ...", the usual form first.
            var fields = line.Split('\t');
            var values = fields.Length == 2 ? fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
            if (fields[0].Length == 0 || values.Length == 0)
            {
                throw new InvalidDataException($"{file}: \"{line}\" is not a key, a tab and its values.");
            }

            yield return (fields[0], values);
        }
    }

    private static NormalizeCharMap BuildCharMap()
    {
        var fold = Data.Value.Fold;
        var builder = new NormalizeCharMap.Builder();
        for (var c = 0; c < fold.Length; c++)
        {
            if (fold[c] != c)
            {
                builder.Add(((char)c).ToString(), fold[c].ToString());
            }
        }

        return builder.Build();
    }

    private sealed record Tables(char[] Fold, byte[] Script, SearchValues<char> Keys, int PairCount);
}
