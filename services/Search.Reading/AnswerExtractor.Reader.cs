using System.Text.RegularExpressions;
using Search.Reading.Neural;
using Search.Text;

namespace Search.Reading;

public sealed partial class AnswerExtractor
{
    /// <summary>
    /// The neural reader's look at the sentence of <paramref name="best"/> (the box the feature model chose): its span
    /// and the sentence whole, each with the <see cref="ReaderFeatures"/> the reader confidence reads. Null, with what
    /// chose the short answer instead, when there is no reader, when the question's language is one it was not trained
    /// on (<see cref="NeuralReader.Languages"/>: MiniLM's own vocabulary holds too few Han characters, so Chinese needs a
    /// grown one, docs/quality.md) or that <see cref="ReaderOptions.NeuralReaderLanguages"/> leaves out, when it finds
    /// nothing, when its span states none of the measure the question asks that other options state (<see cref="Measures"/>),
    /// and when it fails (a degradation, said so). A question or sentence with Chinese characters is "zh".
    /// </summary>
    public (ReaderLook? Look, string ReadBy) ReadAgain(
        string question, AnswerReading reading, AnswerCandidate? span, AnswerCandidate best, IReadOnlyList<AnswerPassage> passages)
    {
        var sentenceText = best.Sentence.Of(passages[best.PassageIndex].Text);
        var language = LanguageOf(question, sentenceText);
        if (ReaderFor(language) is not { } reader || !Reads(language))
        {
            return (null, ShortAnswerBy.Features);
        }

        ReadAnswer read;
        try
        {
            read = reader.Read(question, sentenceText);
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidDataException)
        {
            return (null, ShortAnswerBy.Failed(e.Message.Length > 200 ? e.Message[..200] : e.Message));
        }

        if (!read.Found)
        {
            return (null, ShortAnswerBy.Features);
        }

        var range = new TextRange(best.Sentence.Start + read.Range.Start, best.Sentence.Start + read.Range.End);
        var ruledOut = reading.StrictlyAsked & (Measure.Money | Measure.Clock);
        if (reading.Spans.Any(o => !o.Eligible)
            && (!reading.Spans.Any(o => o.Eligible && o.PassageIndex == best.PassageIndex && Overlap(o.Answer, range) > 0)
                || (ruledOut != Measure.None && reading.Spans.Any(o => !o.Eligible && o.PassageIndex == best.PassageIndex
                    && range.Holds(o.Answer) && (Measures.Stated(o.Answer.Of(passages[o.PassageIndex].Text)) & ruledOut) != 0))))
        {
            // The question asks for a measure or a count that some options state and the read span does not ("70 to
            // 100 °C" for "How many temperature settings …?", beside "five temperature settings"), or it asks a price
            // outright and the read span holds another thing's, which the options' clause rule ruled out ("4 pounds",
            // the skate hire's, for the session that is free; "夜场门票免费，雪具租赁每套80元" for the night ticket), or a
            // time of day that the hours rules ruled out ("6:30" of "close from 6:30 until 13:00" for "What time does it
            // reopen?"): those options stand. (A read span that is any option ruled out, for any question, lost as many
            // exact SQuAD answers as it won: the measure rules are not that sure.)
            return (null, ShortAnswerBy.Features);
        }

        var readsAName = SpanExtractor.StartsWithSurname(range.Of(passages[best.PassageIndex].Text));
        if (language == "zh"
            && reading.Spans.Any(o => o.Eligible && o.PassageIndex == best.PassageIndex && o.Sentence == best.Sentence
                && (DateOrFigure(o) || (o.Type == ExpectedAnswer.Person && !readsAName)))
            && !reading.Spans.Any(o => o.PassageIndex == best.PassageIndex && (DateOrFigure(o) || o.Type == ExpectedAnswer.Person)
                && Overlap(o.Answer, range) > 0))
        {
            // Nor does a Chinese span that meets none of the dates or figures the question asks for while its sentence
            // states one ("丰溪路" for "影响多少户居民" beside "约3200户"), or that is no name where its sentence names a person
            // the finders found ("问题请联系" beside "招聘负责人王勇"): the finders' options stand. Not English: its reader
            // reads well, and its look also carries the "no answer" veto that the features' box would go without.
            return (null, ShortAnswerBy.Features);
        }

        // A read span that cuts across a date, name or place the finders typed ("会员计划于2027年" over "2027年1月1日") gives
        // way to it whole, and so does a part of a date when the question does not ask for the year alone ("2027年" of
        // "2027年1月1日" for "什么时候开始"); one that holds it whole ("on 14 March") stands.
        var yearAsked = YearQuestion().IsMatch(question);
        if (reading.Spans.FirstOrDefault(o => o.Eligible && o.PassageIndex == best.PassageIndex
                && o.Type is ExpectedAnswer.Time or ExpectedAnswer.Person or ExpectedAnswer.Place
                && Overlap(o.Answer, range) > 0 && !range.Holds(o.Answer)
                && (!o.Answer.Holds(range) || (o.Type == ExpectedAnswer.Time && !yearAsked))) is { } cut)
        {
            range = cut.Answer;
        }
        else if (reading.Spans.FirstOrDefault(o => o.Eligible && o.PassageIndex == best.PassageIndex && o.Type == ExpectedAnswer.Number
                     && Overlap(o.Answer, range) > 0 && !range.Holds(o.Answer)
                     && Measures.Stated(o.Answer.Of(passages[o.PassageIndex].Text)) != Measure.None
                     && Measures.Stated(range.Of(passages[o.PassageIndex].Text)) == Measure.None) is { } measure)
        {
            // So does a read span that cuts a figure from its unit ("3个工" of "3个工作日", "5個" of "5個工作天").
            range = measure.Answer;
        }
        else if (language == "zh"
                 && reading.Spans.Where(o => o.Eligible && o.PassageIndex == best.PassageIndex && DateOrFigure(o)
                     && range.Holds(o.Answer) && o.Answer != range).ToList() is [var only])
        {
            // A Chinese span that runs on past the one date or figure of the asked kind that it holds ("会员计划于2027年1月1日
            // 开始" for "什么时候开始", "20萬蒙古軍" for "率領多少蒙古軍") is cut to it: the Chinese reader's span ends are its
            // weakest part.
            range = only.Answer;
        }
        else if (language == "zh"
                 && reading.Spans.Where(o => o.Eligible && o.PassageIndex == best.PassageIndex && o.Type == ExpectedAnswer.Person
                     && range.Holds(o.Answer) && o.Answer.End < range.End).ToList() is [var name])
        {
            // A Chinese span that runs on past the one name it holds ("邱靜宜看診") ends with it; what comes before a name
            // ("醫師邱靜宜") is often part of the answer given, and stays.
            range = new TextRange(range.Start, name.Answer.End);
        }

        return (Look(reading, span, best, range, read, passages, language), ShortAnswerBy.Neural(reader.Version));
    }

    /// <summary>An option the finders typed as a date or a figure, the kinds whose patterns the Chinese rules trust.</summary>
    private static bool DateOrFigure(AnswerChoice option) => option.Type is ExpectedAnswer.Time or ExpectedAnswer.Number;

    [GeneratedRegex(@"\b(?:what|which|in what) year\b|哪一?年|几几年|幾幾年|年份|何年", RegexOptions.IgnoreCase)]
    private static partial Regex YearQuestion();

    /// <summary>"zh" when the question or the box's sentence holds Chinese characters, else "en".</summary>
    private static string LanguageOf(string question, string sentence) =>
        question.Any(ChineseScript.IsHan) || sentence.Any(ChineseScript.IsHan) ? "zh" : "en";

    /// <summary>Whether there is a reader, trained on <paramref name="language"/> and not left out of it by the settings.</summary>
    private bool Reads(string language) =>
        ReaderFor(language) is { } reader && reader.Languages.Contains(language) && _readerLanguages.Contains(language);

    private ReaderLook Look(
        AnswerReading reading, AnswerCandidate? span, AnswerCandidate best, TextRange range, ReadAnswer read, IReadOnlyList<AnswerPassage> passages, string language)
    {
        var passage = best.PassageIndex;
        var f = new float[ReaderFeatures.Count];
        f[ReaderFeatures.SpanConfidence] = (float)(span?.Confidence ?? 0);
        f[ReaderFeatures.Chinese] = language == "zh" ? 1 : 0;
        f[ReaderFeatures.Probability] = (float)read.Probability;
        f[ReaderFeatures.Score] = (float)read.Score;
        f[ReaderFeatures.Agreement] = span is not null && span.PassageIndex == passage ? (float)Overlap(span.Answer, range) : 0;
        f[ReaderFeatures.OptionScore] = reading.Spans.FirstOrDefault(o => o.PassageIndex == passage && o.Answer == range) is { } same
            ? same.Features[AnswerFeatures.RankerScore]
            : (float)NoSpanScore;
        var typed = reading.Spans.Where(o => o.PassageIndex == passage && o.Type != ExpectedAnswer.None).ToList();
        f[ReaderFeatures.Typed] = typed.Any(o => o.Answer == range) ? 2 : typed.Any(o => Overlap(o.Answer, range) > 0) ? 1 : 0;
        f[ReaderFeatures.Chars] = range.Length;
        f[ReaderFeatures.Redundancy] = Redundancy(read.Text, Folded(passages, options.MaxPassages));
        f[ReaderFeatures.QuestionForm] = best.Features[AnswerFeatures.QuestionForm];
        f[ReaderFeatures.SentenceRank] = best.Features[AnswerFeatures.SentenceRank];
        f[ReaderFeatures.AnswerMargin] = (float)(read.Score - read.NoAnswerScore);

        // The sentence shown whole, when it is a sentence option the feature model would show (see Judge).
        AnswerCandidate? sentence = best.Shape == AnswerShape.Sentence ? best : null;
        if (sentence is null
            && reading.Sentences.FirstOrDefault(o => o.PassageIndex == passage && o.Sentence == best.Sentence) is { } option
            && States(reading, option))
        {
            sentence = option.ToCandidate(Probability(option));
        }

        f[ReaderFeatures.SentenceConfidence] = (float)(sentence?.Confidence ?? 0);
        var spanFeatures = (float[])f.Clone();
        float[]? sentenceFeatures = null;
        if (sentence is not null)
        {
            sentenceFeatures = f;
            sentenceFeatures[ReaderFeatures.IsSentence] = 1;
        }

        var readSpan = best with
        {
            Answer = range,
            Shape = AnswerShape.Span,
            Type = best.Shape == AnswerShape.Span ? best.Type : ExpectedAnswer.None,
        };
        return new ReaderLook(language, readSpan, spanFeatures, sentence, sentenceFeatures);
    }

    /// <summary>The characters two ranges share over the characters either covers (0 when they do not meet).</summary>
    private static double Overlap(TextRange a, TextRange b)
    {
        var shared = Math.Min(a.End, b.End) - Math.Max(a.Start, b.Start);
        var covered = Math.Max(a.End, b.End) - Math.Min(a.Start, b.Start);
        return shared <= 0 || covered <= 0 ? 0 : (double)shared / covered;
    }
}
