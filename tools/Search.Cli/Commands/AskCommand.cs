using System.CommandLine;
using System.Globalization;
using System.Text;
using Grpc.Core;
using Search.Contracts.V1;

namespace Search.Cli.Commands;

/// <summary><c>ask "question"</c>: prints the answer box, the top results, degraded stages and timings.</summary>
public static class AskCommand
{
    private const string Details = """
        Prints the answer box (answer, confidence, its sentence with the answer marked [[like this]]: the short
        answer when the box shows a whole sentence that holds it, as the page emphasises it; source title and
        url) or "no answer box", then the ranked results, the degraded stages and the time each stage took.
        """;

    private const int SnippetColumns = 160;

    public static Command Create(Option<string> gateway)
    {
        var question = new Argument<string>("question") { Description = "the question, quoted" };
        var language = CliSyntax.Language();
        var k = CliSyntax.Number("--k", "number of results, 1..50", 10, 1, 50);
        var abstained = new Option<bool>("--abstained") { Description = "also show the best answer candidate when the box is not shown" };
        var command = new CliCommand("ask", "Asks the running gateway a question and prints the answer box and the top results.", Details)
        {
            question, language, k, abstained,
        };
        CliSyntax.Require(command, question, "\"question\"");
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(question)!, parse.GetValue(language), parse.GetValue(k), parse.GetValue(abstained), parse.GetValue(gateway)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string question, string? language, int k, bool abstained, string gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var client = CliApp.Connect(gateway);
        SearchResponse response;
        try
        {
            response = await client.SearchAsync(question, language, k, abstained, cancellationToken);
        }
        catch (RpcException e)
        {
            await error.WriteLineAsync($"error: the gateway answered {e.StatusCode}: {e.Status.Detail}");
            return CliApp.ExitFailure;
        }

        await output.WriteAsync(Render(response));
        return CliApp.ExitOk;
    }

    /// <summary>The human-readable form of a response.</summary>
    public static string Render(SearchResponse response)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var route = response.Route;
        if (route is not null)
        {
            text.Append(c, $"query: {route.NormalizedQuery}  (language {LanguageTag(route.Language)}, intent {route.Intent}, answer type {route.AnswerType})\n\n");
        }

        if (response.Answer is { } box)
        {
            RenderBox(text, "answer box", box);
        }
        else
        {
            text.Append("no answer box\n");
            if (response.AbstainedAnswer is { } abstained)
            {
                RenderBox(text, "best candidate (not shown)", abstained);
            }
        }

        text.Append('\n');
        text.Append(c, $"results ({response.Results.Count}):\n");
        var rank = 1;
        foreach (var result in response.Results)
        {
            text.Append(c, $"{rank,3}. {result.Score,8:F3}  {result.Title}  {result.Url}\n");
            text.Append(c, $"     {Snippet(result.Highlight?.Text is { Length: > 0 } h ? h : result.Text)}\n");
            rank++;
        }

        text.Append('\n');
        text.Append(c, $"degraded: {(response.Degraded.Count == 0 ? "none" : string.Join(", ", response.Degraded))}\n");
        var timings = response.Timings.Select(t => string.Create(c, $"{t.Stage} {t.Ms:F1} ms ({t.Status})"));
        text.Append(c, $"timings: {string.Join(", ", timings)}; total {response.TotalMs:F1} ms\n");
        return text.ToString();
    }

    /// <summary>
    /// The answer's sentence (or a window of its passage) with the answer marked [[ ]]: in a box that shows a sentence
    /// whole, its short answer when the sentence holds it, as the page emphasises it; else the whole sentence.
    /// </summary>
    public static string MarkAnswer(AnswerBox box)
    {
        var passage = box.Passage?.Text ?? "";
        var start = Math.Clamp(box.AnswerStart, 0, passage.Length);
        var end = Math.Clamp(box.AnswerEnd, start, passage.Length);
        if (ShortAnswerAt(box) is { } inside)
        {
            (start, end) = (inside, inside + box.ShortAnswer.Length);
        }

        if (passage.Length == 0 || end == start)
        {
            return $"[[{box.Text}]]";
        }

        int from, to;
        if (box.Sentence is { } sentence && sentence.End > sentence.Start && sentence.Start <= start && sentence.End >= end)
        {
            from = sentence.Start;
            to = Math.Min(sentence.End, passage.Length);
        }
        else
        {
            from = Math.Max(0, start - 120);
            to = Math.Min(passage.Length, end + 120);
        }

        var marked = $"{passage[from..start]}[[{passage[start..end]}]]{passage[end..to]}";
        return OneLine($"{(from > 0 ? "…" : "")}{marked}{(to < passage.Length ? "…" : "")}");
    }

    /// <summary>
    /// Where the short answer of a sentence box starts in its passage, inside the sentence (at its range when the box
    /// gives one); null for a span box, or a short answer that is empty, the whole sentence, or not in it.
    /// </summary>
    private static int? ShortAnswerAt(AnswerBox box)
    {
        var passage = box.Passage?.Text ?? "";
        var start = Math.Clamp(box.AnswerStart, 0, passage.Length);
        var end = Math.Clamp(box.AnswerEnd, start, passage.Length);
        if (box.Kind != AnswerKind.Sentence || box.ShortAnswer.Length == 0 || box.ShortAnswer.Length >= end - start)
        {
            return null;
        }

        // Where the answer service says it stands, when it does (the sentence may say it twice), else its first place.
        if (box.ShortAnswerRange is { } range && range.Start >= start && range.End <= end
            && passage.AsSpan(range.Start, range.End - range.Start).SequenceEqual(box.ShortAnswer))
        {
            return range.Start;
        }

        var at = passage.IndexOf(box.ShortAnswer, start, end - start, StringComparison.Ordinal);
        return at < 0 ? null : at;
    }

    private static void RenderBox(StringBuilder text, string heading, AnswerBox box)
    {
        var c = CultureInfo.InvariantCulture;
        var kind = box.Kind == AnswerKind.Span ? "span" : "sentence";
        text.Append(c, $"{heading} ({kind}, confidence {box.Confidence:F2}):\n");
        text.Append(c, $"  {OneLine(ShortAnswerAt(box) is null ? box.Text : box.ShortAnswer)}\n");
        text.Append(c, $"  {MarkAnswer(box)}\n");
        text.Append("  source: ").Append($"{box.Passage?.Title} {box.Passage?.Url}".Trim()).Append('\n');
        if (box.AbstainReason.Length > 0)
        {
            text.Append(c, $"  not shown: {OneLine(box.AbstainReason)}\n");
        }
    }

    private static string LanguageTag(Language language) => language switch
    {
        Language.En => "en",
        Language.ZhHans => "zh-Hans",
        Language.ZhHant => "zh-Hant",
        _ => "unknown",
    };

    /// <summary>One line of about <see cref="SnippetColumns"/> terminal columns; CJK characters are two columns wide.</summary>
    private static string Snippet(string text)
    {
        var line = OneLine(text);
        var columns = 0;
        for (var i = 0; i < line.Length; i++)
        {
            columns += line[i] >= 0x1100 && !char.IsSurrogate(line[i]) ? 2 : 1;
            if (columns > SnippetColumns)
            {
                // Never cut a surrogate pair in half.
                var cut = i > 0 && char.IsHighSurrogate(line[i - 1]) ? i - 1 : i;
                return string.Concat(line.AsSpan(0, cut), "…");
            }
        }

        return line;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
