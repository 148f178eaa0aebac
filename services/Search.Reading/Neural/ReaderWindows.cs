using Search.Text;

namespace Search.Reading.Neural;

/// <summary>A question and the text it is read against; the answer's range in that text when known (training).</summary>
public sealed record ReaderExample(string Id, string Question, string Context, IReadOnlyList<string> Golds, TextRange? Answer);

/// <summary>One model input: <c>[CLS] question [SEP] part of the context [SEP]</c>, and where the context's pieces sit.</summary>
public sealed record ReaderWindow(ReaderExample Example, long[] Ids, long[] Types, int ContextFirst, IReadOnlyList<WordPiece> ContextPieces, int StartLabel, int EndLabel)
{
    public int Length => Ids.Length;
}

/// <summary>How the reader cuts a question and its context into model inputs.</summary>
public static class ReaderWindows
{
    /// <summary>
    /// The windows of an example: the question (at most <paramref name="maxQuestion"/> pieces), then the context's
    /// pieces in windows of what is left of <paramref name="maxTokens"/>, overlapping by half. For training
    /// (<paramref name="training"/>) only the first window that holds the whole answer, labelled; for a training example
    /// without an answer (a text the question is not answered by), its first window labelled at <c>[CLS]</c>, as SQuAD
    /// 2.0's readers learn "no answer here". With <paramref name="marksMatches"/>, a context piece that the question
    /// holds too (not <c>[UNK]</c>, not punctuation) has token type 2: the reader is told where the question's words
    /// recur, as DrQA's exact-match feature tells its reader, and need not learn it from the pieces' embeddings (which, for
    /// the Chinese characters added to the vocabulary, start alike).
    /// </summary>
    public static List<ReaderWindow> Windows(WordPieces pieces, ReaderExample example, int maxTokens, int maxQuestion, bool training, bool marksMatches = false)
    {
        var question = pieces.Split(example.Question);
        if (question.Count > maxQuestion)
        {
            question = question[..maxQuestion];
        }

        var matched = marksMatches
            ? question.Where(q => q.Id != pieces.Unknown && example.Question[q.Start..q.End].Any(char.IsLetterOrDigit)).Select(q => q.Id).ToHashSet()
            : null;
        var context = pieces.Split(example.Context);
        var room = Math.Max(8, maxTokens - question.Count - 3);
        var windows = new List<ReaderWindow>();
        for (var first = 0; first < Math.Max(1, context.Count); first += Math.Max(1, room / 2))
        {
            var part = context.Skip(first).Take(room).ToList();
            var (start, end) = (-1, -1);
            if (example.Answer is { } answer)
            {
                start = part.FindIndex(p => p.End > answer.Start);
                end = part.FindLastIndex(p => p.Start < answer.End);
                var whole = start >= 0 && end >= start && (first == 0 || context[first - 1].End <= answer.Start)
                    && (first + part.Count == context.Count || context[first + part.Count].Start >= answer.End);
                if (!whole)
                {
                    (start, end) = (-1, -1);
                }
            }

            if (training && example.Answer is null)
            {
                windows.Add(Build(pieces, example, question, part, -1, -1, matched) with { StartLabel = 0, EndLabel = 0 });
                break;
            }

            if (!training || start >= 0)
            {
                windows.Add(Build(pieces, example, question, part, start, end, matched));
                if (training)
                {
                    break;
                }
            }

            if (first + room >= context.Count)
            {
                break;
            }
        }

        return windows;
    }

    /// <summary>Windows side by side, padded to the longest: ids, token types and attention mask, [count, width].</summary>
    public static (long[] Ids, long[] Types, long[] Mask, int Width) Pack(IReadOnlyList<ReaderWindow> windows, int padding)
    {
        var width = windows.Max(w => w.Length);
        var ids = new long[windows.Count * width];
        var types = new long[windows.Count * width];
        var mask = new long[windows.Count * width];
        for (var b = 0; b < windows.Count; b++)
        {
            Array.Fill(ids, padding, b * width, width);
            Array.Copy(windows[b].Ids, 0, ids, b * width, windows[b].Length);
            Array.Copy(windows[b].Types, 0, types, b * width, windows[b].Length);
            Array.Fill(mask, 1L, b * width, windows[b].Length);
        }

        return (ids, types, mask, width);
    }

    /// <summary>A context piece's token type: 1, or 2 when it is one of <paramref name="matched"/> (the question's).</summary>
    public const int MatchedType = 2;

    private static ReaderWindow Build(WordPieces pieces, ReaderExample example, List<WordPiece> question, List<WordPiece> part, int start, int end, HashSet<int>? matched)
    {
        var length = question.Count + part.Count + 3;
        var ids = new long[length];
        var types = new long[length];
        var at = 0;
        ids[at++] = pieces.Classifier;
        foreach (var piece in question)
        {
            ids[at++] = piece.Id;
        }

        ids[at++] = pieces.Separator;
        var contextFirst = at;
        foreach (var piece in part)
        {
            types[at] = matched is not null && matched.Contains(piece.Id) ? MatchedType : 1;
            ids[at++] = piece.Id;
        }

        types[at] = 1;
        ids[at] = pieces.Separator;
        return new ReaderWindow(example, ids, types, contextFirst, part, start < 0 ? -1 : contextFirst + start, end < 0 ? -1 : contextFirst + end);
    }
}
