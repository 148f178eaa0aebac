using System.Globalization;
using System.Text.RegularExpressions;
using Search.Reading.Neural;
using Search.Text;

namespace Search.Reading;

/// <summary>
/// Reads the top passages and returns the best answer to a question. Sentences are scored against the
/// question; in the best few, every typed span and short phrase is an option, and the trained
/// <see cref="AnswerModel"/> ranks them and says how likely the best span, and each sentence, is right.
/// The threshold for showing the box comes from the target precision. When a <see cref="NeuralReader"/> is given, it
/// reads the chosen sentence and its span becomes the short answer; <paramref name="readersByLanguage"/> gives a
/// language ("en", "zh") a reader of its own instead.
/// </summary>
public sealed partial class AnswerExtractor(
    ReaderOptions options, AnswerModel model, NeuralReader? reader = null, IReadOnlyDictionary<string, NeuralReader>? readersByLanguage = null)
{
    private readonly double _threshold = model.ThresholdFor(options.TargetPrecision);
    private readonly string[] _readerLanguages = options.NeuralReaderLanguages.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // The reader confidence's threshold per language, at the target precision.
    private readonly Dictionary<string, double> _readerThresholds = model.Reader is { } second
        ? second.Curves.Keys.Where(second.Knows).ToDictionary(l => l, l => second.ThresholdFor(options.TargetPrecision, l))
        : [];

    /// <summary>The confidence a candidate needs to be shown: derived from the target precision on the model's measured curve.</summary>
    public double Threshold => _threshold;

    public AnswerModel Model => model;

    /// <summary>The neural span reader, when one is on.</summary>
    public NeuralReader? Reader => reader;

    /// <summary>The reader of <paramref name="language"/>'s boxes: its own when it has one, else <see cref="Reader"/>.</summary>
    public NeuralReader? ReaderFor(string language) =>
        readersByLanguage is not null && readersByLanguage.TryGetValue(language, out var own) ? own : reader;

    /// <summary>
    /// The best answer to <paramref name="question"/> in <paramref name="passages"/>: the span the model
    /// ranks first, or the sentence most likely to hold the answer when the span is too doubtful, with the
    /// calibrated probability that it is right and whether that clears the threshold. With the neural reader, its span
    /// in the chosen sentence is the short answer, and the model's reader confidence, when it has one for this reader and
    /// language, judges again (AnswerExtractor.Reader.cs). With <paramref name="read"/> false the reader is left out for
    /// this question, as when it is off (the gateway asks this under load). A short answer held back by the threshold alone
    /// is shown after all when it is the one measure of the asked kind (<see cref="ReaderOptions.ShowSoleMeasures"/>). A
    /// question in Cantonese is read with its question words in standard written Chinese (<see cref="CantoneseQuestion"/>).
    /// </summary>
    public AnswerResult Extract(string question, ExpectedAnswer expected, IReadOnlyList<AnswerPassage> passages, bool read = true)
    {
        question = CantoneseQuestion.ToStandard(question);
        var reading = ReadStandard(question, expected, passages);
        var result = Extract(question, reading, passages, read);
        return options.ShowSoleMeasures && result is { Shown: false, HeldByThreshold: true, Candidate: { Shape: AnswerShape.Span } box }
            && box.Confidence >= options.SoleMeasureFloor && SoleMeasure(reading, box, passages)
                ? result with { Shown = true, AbstainReason = "" }
                : result;
    }

    /// <summary>
    /// Whether <paramref name="box"/>, from the first passage, states a measure the question asks and no other typed
    /// option (a date, figure or name the finders found) of a sentence that holds the question's words states one
    /// (<see cref="ReaderOptions.ShowSoleMeasures"/>). Options around the box's own span ("烹調時間約25分鐘" about "25分鐘") and
    /// the same text elsewhere are the same answer; a clause that holds another day's hours is not another answer, the
    /// hours in it are ("…from 9:00 to 20" beside "Friday from 9:00 to 17:00").
    /// </summary>
    private static bool SoleMeasure(AnswerReading reading, AnswerCandidate box, IReadOnlyList<AnswerPassage> passages)
    {
        var asked = reading.Asked;
        var boxText = box.Answer.Of(passages[box.PassageIndex].Text);
        return asked != Measure.None && box.PassageIndex == 0 && (Measures.Stated(boxText) & asked) != 0
            && !reading.Spans.Any(o => o.Eligible && o.Focus > 0 && o.Type != ExpectedAnswer.None
                && !(o.PassageIndex == box.PassageIndex && Overlap(o.Answer, box.Answer) > 0)
                && o.Answer.Of(passages[o.PassageIndex].Text) is var text
                && !text.Contains(boxText, StringComparison.Ordinal)
                && (Measures.Stated(text) & asked) != 0);
    }

    private AnswerResult Extract(string question, AnswerReading reading, IReadOnlyList<AnswerPassage> passages, bool read)
    {
        var (span, sentence) = Judge(reading);
        if (AnswerDecision.Choose(span, sentence, _threshold, options.SentenceFallback) is not { } best)
        {
            return AnswerResult.None(reading.Reason);
        }

        if (best.Confidence >= _threshold && options.AbstainOnRivals && Rival(reading, best, passages) is { } rival)
        {
            return new AnswerResult(best, false, string.Create(CultureInfo.InvariantCulture,
                $"another document, ranked as high, answers otherwise (\"{rival.Text}\", score {rival.Score:0.00})"), span);
        }

        var language = LanguageOf(question, best.Sentence.Of(passages[best.PassageIndex].Text));
        var judgedByReader = JudgedByReader(language);
        if (best.Confidence < _threshold && !judgedByReader && !options.NeuralReaderReadsAbstained)
        {
            // Not shown, and the reader cannot change that: its read would be spent on a box no one sees.
            return Decided(best, _threshold, span, ShortAnswerBy.Features);
        }

        if (!read)
        {
            return Decided(best, best.Confidence >= _threshold ? null : _threshold, span, ShortAnswerBy.Features)
                with { ReaderSkipped = Reads(language) };
        }

        var (look, readBy) = ReadAgain(question, reading, span, best, passages);
        if (look is null)
        {
            return Decided(best, best.Confidence >= _threshold ? null : _threshold, span, readBy);
        }

        if (judgedByReader && model.Reader is { } second && _readerThresholds.TryGetValue(language, out var threshold))
        {
            var spanBox = look.Span with { Confidence = second.Probability(look.SpanFeatures, language) };
            if (spanBox.Confidence >= threshold)
            {
                return Decided(spanBox, null, null, readBy);
            }

            var sentenceBox = options.SentenceFallback && look.Sentence is { } whole
                ? whole with { Confidence = second.Probability(look.SentenceFeatures!, language) }
                : null;
            if (sentenceBox is not null && sentenceBox.Confidence >= threshold)
            {
                return Decided(sentenceBox, null, spanBox, readBy);
            }

            return Decided(spanBox, threshold, null, readBy);
        }

        // A model without a reader confidence for this reader and language: the feature confidence, with the reader's span,
        // unless a reader that learnt to say "no answer" says so about the box's sentence.
        if (best.Confidence >= _threshold && options.NeuralReaderVeto.TryGetValue(language, out var veto) && look.AnswerMargin < veto)
        {
            return new AnswerResult(best, false,
                string.Create(CultureInfo.InvariantCulture, $"the reader finds no answer in the sentence (margin {look.AnswerMargin:0.00} < {veto:0.00})"), null, readBy);
        }

        var decided = Decided(best, best.Confidence >= _threshold ? null : _threshold, null, readBy);
        return best.Shape == AnswerShape.Span
            ? decided with { Candidate = best with { Answer = look.Span.Answer } }
            : decided with { BestSpan = look.Span };
    }

    /// <summary>
    /// A sentence of another document than <paramref name="box"/>'s (another title: a page's paragraphs are one source),
    /// ranked as high (within <see cref="RivalScoreRatio"/>), that holds as much of the question as the box's sentence and
    /// states an answer of the asked kind that the box's sentence does not hold; null when there is none, or when the
    /// question asks no kind. The model cannot say which of the two is meant: its features rank the first passage above
    /// the second however alike they are.
    /// </summary>
    private static (string Text, double Score)? Rival(AnswerReading reading, AnswerCandidate box, IReadOnlyList<AnswerPassage> passages)
    {
        var boxScore = passages[box.PassageIndex].Score;
        if (boxScore <= 0)
        {
            return null;
        }

        var boxSentence = box.Sentence.Of(passages[box.PassageIndex].Text);
        foreach (var sentence in reading.Sentences)
        {
            if (sentence.PassageIndex == box.PassageIndex || !sentence.Eligible || sentence.Focus <= 0
                || passages[sentence.PassageIndex].Title == passages[box.PassageIndex].Title
                || passages[sentence.PassageIndex].Score < boxScore * RivalScoreRatio
                || sentence.Features[AnswerFeatures.SentenceOverlap] < box.Features[AnswerFeatures.SentenceOverlap]
                || sentence.Features[AnswerFeatures.SentenceCoverage] < box.Features[AnswerFeatures.SentenceCoverage])
            {
                continue;
            }

            var text = passages[sentence.PassageIndex].Text;
            if (reading.Spans.FirstOrDefault(o => o.Eligible && InSentence(o, sentence) && o.Type != ExpectedAnswer.None
                    && !boxSentence.Contains(o.Answer.Of(text), StringComparison.OrdinalIgnoreCase)) is { } other)
            {
                return (other.Answer.Of(text), passages[sentence.PassageIndex].Score);
            }
        }

        return null;
    }

    /// <summary>How close to the box's passage score a rival passage must be (<see cref="Rival"/>).</summary>
    private const double RivalScoreRatio = 0.97;

    /// <summary>Whether the model's reader confidence judges <paramref name="language"/>'s boxes: fitted for it, and for its reader.</summary>
    private bool JudgedByReader(string language) =>
        model.Reader is { } judge && _readerThresholds.ContainsKey(language) && judge.ReaderVersion == ReaderFor(language)?.Version;

    /// <summary>The result for <paramref name="box"/>: shown when <paramref name="below"/> (the threshold it missed) is null.</summary>
    private AnswerResult Decided(AnswerCandidate box, double? below, AnswerCandidate? shortAnswer, string readBy) => new(
        box,
        below is null,
        below is { } threshold
            ? string.Create(CultureInfo.InvariantCulture,
                $"confidence {box.Confidence:0.00} is below the threshold {threshold:0.00} (target precision {options.TargetPrecision:0.00})")
            : "",
        shortAnswer,
        readBy)
    {
        HeldByThreshold = below is not null,
    };

    /// <summary>
    /// The best span (by the ranker) and the best sentence (by the confidence model), each with its
    /// calibrated confidence; null where the reading has no option of that shape.
    /// </summary>
    public (AnswerCandidate? Span, AnswerCandidate? Sentence) Judge(AnswerReading reading)
    {
        AnswerChoice? bestSpan = null;
        double best = double.NegativeInfinity, second = double.NegativeInfinity;
        // By passage and range: two passages' sentences can share a range (both first, of the same length).
        var bestBySentence = new Dictionary<(int Passage, TextRange Sentence), double>();
        foreach (var option in reading.Spans)
        {
            var score = model.Ranker.Score(option.Features);
            option.Features[AnswerFeatures.RankerScore] = (float)score;
            var key = (option.PassageIndex, option.Sentence);
            if (!bestBySentence.TryGetValue(key, out var top) || score > top)
            {
                bestBySentence[key] = score;
            }

            if (!option.Eligible)
            {
                continue;
            }

            if (score > best)
            {
                second = best;
                best = score;
                bestSpan = option;
            }
            else if (score > second)
            {
                second = score;
            }
        }

        AnswerCandidate? span = null;
        if (bestSpan is not null)
        {
            bestSpan.Features[AnswerFeatures.RankerMargin] = (float)(double.IsNegativeInfinity(second) ? 10 : best - second);
            span = bestSpan.ToCandidate(Probability(bestSpan));
        }

        AnswerCandidate? sentence = null;
        foreach (var option in reading.Sentences)
        {
            if (!option.Eligible || !States(reading, option))
            {
                continue;
            }

            var inside = bestBySentence.TryGetValue((option.PassageIndex, option.Sentence), out var top) ? top : NoSpanScore;
            option.Features[AnswerFeatures.RankerScore] = (float)inside;
            option.Features[AnswerFeatures.RankerMargin] = (float)(double.IsNegativeInfinity(best) ? 0 : inside - best);
            var candidate = option.ToCandidate(Probability(option));
            if (sentence is null || candidate.Confidence > sentence.Confidence)
            {
                sentence = candidate;
            }
        }

        return (span, sentence);
    }

    /// <summary>
    /// Whether <paramref name="sentence"/> may be shown whole: when the question asks for a measure and some option
    /// states it (Measures.MarkEligible), only a sentence holding such an option is; a price question is not answered
    /// by the notice's departure time.
    /// </summary>
    private static bool States(AnswerReading reading, AnswerChoice sentence) =>
        reading.Spans.All(o => o.Eligible) || reading.Spans.Any(o => o.Eligible && InSentence(o, sentence));

    /// <summary>Whether span option <paramref name="span"/> lies in the sentence of <paramref name="sentence"/>.</summary>
    private static bool InSentence(AnswerChoice span, AnswerChoice sentence) =>
        span.PassageIndex == sentence.PassageIndex && span.Sentence == sentence.Sentence;

    /// <summary>
    /// The model's calibrated probability, or 0 when the option's sentence holds none of the question's words beyond
    /// the document's subject: the first sentence of a short notice names its subject, matches a question about the
    /// subject best, and yet rarely holds the answer (docs/quality.md, "Fresh documents").
    /// </summary>
    private double Probability(AnswerChoice option) => option.Focus > 0 ? model.Probability(option.Features) : 0;

    /// <summary>The answer type to look for: the router's, else what the question's own cues say.</summary>
    public static ExpectedAnswer ExpectedFor(ExpectedAnswer routed, string question) =>
        routed is ExpectedAnswer.None ? AnswerCues.Detect(question) : routed;

    /// <summary>Ranker score given to a sentence that holds no span option.</summary>
    private const double NoSpanScore = -10;

    /// <summary>
    /// Reads the passages for <paramref name="question"/>: scores every sentence against it, keeps the best
    /// few, and lists the answer options in them (typed spans, other short phrases, the sentences
    /// themselves) with their features. Empty with a reason when nothing relates to the question.
    /// </summary>
    public AnswerReading Read(string question, ExpectedAnswer expected, IReadOnlyList<AnswerPassage> passages) =>
        ReadStandard(CantoneseQuestion.ToStandard(question), expected, passages);

    // Read, for a question already in standard written Chinese (CantoneseQuestion).
    private AnswerReading ReadStandard(string question, ExpectedAnswer expected, IReadOnlyList<AnswerPassage> passages)
    {
        var questionTokens = TextTokenizer.Tokenize(question);
        var questionTerms = QuestionTerms(questionTokens);
        if (questionTerms.Count == 0)
        {
            return AnswerReading.Empty("the question has no content words to look for");
        }

        if (passages.Count == 0)
        {
            return AnswerReading.Empty("there are no passages to read");
        }

        expected = Refine(expected, question);
        var units = SentenceReader.Read(passages, options);
        var weights = TermWeights(questionTerms, units);
        var related = new List<SentenceUnit>();
        var titles = passages.Take(options.MaxPassages).Select(p => TextTokenizer.Terms(p.Title ?? "")).ToArray();
        var askedDays = Days(question);
        var dayTerms = askedDays == 0 ? [] : DayTerms(question);
        var questionWords = QuestionWordTerms(question, questionTokens);
        questionWords.UnionWith(ParticleBigrams(questionTokens));
        var focusTitles = FocusTitles(weights.Keys, titles, units);
        foreach (var unit in units)
        {
            ScoreSentence(unit, weights, titles[unit.Passage]);
            // All the asked days: "每天几点关门" is not held by a sentence about Sunday's talk.
            var coveredDays = askedDays != 0 && (Days(unit.Range.Of(passages[unit.Passage].Text)) & askedDays) == askedDays ? dayTerms : [];
            unit.FocusOverlap = FocusOverlap(unit, weights, focusTitles[unit.Passage], questionWords, coveredDays);
            if (unit.Matched > 0)
            {
                related.Add(unit);
            }
        }

        if (related.Count == 0)
        {
            return AnswerReading.Empty("no sentence shares a word with the question");
        }

        related.Sort(ReadingOrder);
        var years = Years(question).ToList();
        var yearsHeld = passages.Take(titles.Length).Select(p => !OtherYear(years, p)).ToArray();
        var context = new QuestionContext(
            questionTerms,
            expected,
            AnswerFeatures.Form(question),
            question.Any(ChineseScript.IsHan),
            TopScore(passages, p => p.RetrievalScore),
            expected == ExpectedAnswer.Number ? AskedUnit(question) : null,
            Folded(passages, options.MaxPassages),
            // The second passage's BM25 score over the first's: near 1 when retrieval could not tell them apart.
            // BM25, not the rerank score: that one is a probability close to 1 for every good passage, so its
            // ratios say little and shift with the corpus.
            passages.Count > 1 && passages[0].RetrievalScore > 0 ? passages[1].RetrievalScore / passages[0].RetrievalScore : 0,
            units.Where(u => u.Similarity is not null).Select(u => u.Similarity!.Value).OrderDescending().ToArray());
        var spans = new List<AnswerChoice>();
        var sentences = new List<AnswerChoice>();
        var topScore = related[0].Score;
        foreach (var rank in SentencesToRead(related, model.ReadsSimilarity ? options.SimilarSentences : 0))
        {
            var unit = related[rank];
            var text = passages[unit.Passage].Text;
            var runnerUp = rank == 0 ? (related.Count > 1 ? related[1].Score : 0) : topScore;
            var sentenceFeatures = SentenceFeatures(unit, rank, runnerUp, passages[unit.Passage], context);
            var options = SpanChoices.Find(text, unit, expected, questionTerms);
            var focus = yearsHeld[unit.Passage] ? unit.FocusOverlap : 0;
            foreach (var (range, typed, prior) in options)
            {
                spans.Add(new AnswerChoice(unit.Passage, range, unit.Range, AnswerShape.Span, typed ? expected : ExpectedAnswer.None,
                    SpanFeatures(sentenceFeatures, text, unit, range, typed, prior, options.Count, context)) { Focus = focus });
            }

            if (!unit.WholePassage)
            {
                var features = WholeSentenceFeatures(sentenceFeatures, text, unit, options.Count);
                features[AnswerFeatures.Typed] = options.Any(o => o.Typed) ? 1 : 0;
                sentences.Add(new AnswerChoice(unit.Passage, unit.Range, unit.Range, AnswerShape.Sentence, ExpectedAnswer.None, features) { Focus = focus });
            }
        }

        var asked = Measures.Asked(question);
        Measures.MarkEligible(spans, asked, s => s.Answer.Of(passages[s.PassageIndex].Text));
        Measures.MarkCounted(spans, Measures.Counted(question), s => Following(passages[s.PassageIndex].Text, s.Answer));
        MarkNamingSentences(spans, sentences, context);
        MarkNoticeNamingSentences(spans, sentences, context, passages);
        MarkCountingSentences(spans, sentences, context, asked.HasFlag(Measure.Phone) ? null : s => SpanExtractor.HoldsPhoneNumber(s.Answer.Of(passages[s.PassageIndex].Text)));
        MarkTimedOptions(spans, sentences, context, asked);
        MarkCountedThings(spans, sentences, context.Expected == ExpectedAnswer.Number && CountedClassifier(question) is not null, passages);
        var strict = Measures.StrictlyAsked(question, asked);
        MarkStrictMeasures(spans, sentences, strict, passages, questionTerms);
        MarkAskedHours(spans, question, askedDays, passages);
        MarkClosedDays(spans, question, passages);
        return spans.Count == 0 && sentences.Count == 0
            ? AnswerReading.Empty("the only related sentences are whole passages and hold no short answer")
            : new AnswerReading(spans, sentences, "", strict, asked);
    }

    /// <summary>
    /// For an English who-question, only a sentence naming someone the question does not name may be shown whole: a
    /// notice's first sentence matches "Who operates the Route 14 buses?" best and names no one. Chinese is left out:
    /// its name finder misses many names, and the rule lowered DRCD and CMRC (docs/quality.md, "Who and how many").
    /// </summary>
    private static void MarkNamingSentences(List<AnswerChoice> spans, List<AnswerChoice> sentences, QuestionContext context)
    {
        if (context.Chinese || context.Form != WhoForm || context.Expected != ExpectedAnswer.Person)
        {
            return;
        }

        KeepSentencesHolding(sentences, spans, NamesSomeone);

        // A likely name (not "… Hospital" or "… Street") that the question does not already say.
        static bool NamesSomeone(AnswerChoice s) =>
            s.Type == ExpectedAnswer.Person && s.Features[AnswerFeatures.Prior] >= 0.4 && s.Features[AnswerFeatures.Repeat] < 0.5;
    }

    /// <summary>
    /// For a Chinese who-question, a sentence shown whole that names no one is no answer when another sentence of its
    /// passage that holds the question's words names a person as notices do: "此版本修正了月報表…的錯誤" for "誰回報了…月報表的
    /// 錯誤？" beside "感謝使用者陳怡君回報此問題". Only names found by the notice cues (<see cref="SpanExtractor.NoticeNames"/>)
    /// count: encyclopedia prose names people in forms the finder misses ("耶穌", "亨利八世"), and hiding every sentence
    /// whose passage names someone elsewhere cost DRCD right boxes (docs/quality.md, "Names as notices give them").
    /// </summary>
    private static void MarkNoticeNamingSentences(List<AnswerChoice> spans, List<AnswerChoice> sentences, QuestionContext context, IReadOnlyList<AnswerPassage> passages)
    {
        if (!context.Chinese || context.Form != WhoForm || context.Expected != ExpectedAnswer.Person)
        {
            return;
        }

        var namingNoOne = sentences.Where(w => w.Eligible && !spans.Any(s => InSentence(s, w) && s.Type == ExpectedAnswer.Person)).ToList();
        if (namingNoOne.Count == 0)
        {
            return;
        }

        // The sentences that hold the question's words and name someone as notices do, each looked at once.
        var naming = sentences
            .Where(s => s.Focus > 0 && SpanExtractor.NoticeNames(passages[s.PassageIndex].Text, s.Sentence).Count > 0)
            .Select(s => (s.PassageIndex, s.Sentence))
            .ToList();
        foreach (var whole in namingNoOne)
        {
            whole.Eligible = !naming.Any(n => n.PassageIndex == whole.PassageIndex && n.Sentence != whole.Sentence);
        }
    }

    /// <summary>
    /// A question asking for a number ("How many patients …?", "多少户") is not answered by a sentence shown whole that
    /// states no figure: "Until then, patients are seen at the old address" names the counted thing and nothing more.
    /// Unless the question asks for one, a telephone number (<paramref name="phone"/>) is no figure and no answer: "綠湖市清潔隊
    /// 有多少名隊員？" is not answered by "請撥打清潔隊專線03-555-1234".
    /// </summary>
    private static void MarkCountingSentences(List<AnswerChoice> spans, List<AnswerChoice> sentences, QuestionContext context, Func<AnswerChoice, bool>? phone)
    {
        if (context.Expected != ExpectedAnswer.Number)
        {
            return;
        }

        var phones = phone is null ? [] : spans.Where(phone).ToHashSet();
        foreach (var span in phones)
        {
            span.Eligible = false;
        }

        KeepSentencesHolding(sentences, spans, s => s.Type == ExpectedAnswer.Number && !phones.Contains(s));
    }

    /// <summary>
    /// A question asking when ("When does … start charging?", "哪一天投票") is answered by a time: a sentence shown whole
    /// must hold one when the sentences read hold any. "How long is the warranty?" is typed as a time too, but asks a
    /// duration ("five years"), which Measures judges. Designed on the failures of tools/probe/own-c.json (docs/quality.md,
    /// "Sets C and D").
    /// </summary>
    private static void MarkTimedOptions(List<AnswerChoice> spans, List<AnswerChoice> sentences, QuestionContext context, Measure asked)
    {
        if (context.Expected != ExpectedAnswer.Time || (asked & (Measure.Duration | Measure.Clock)) != 0 || !spans.Any(Timed))
        {
            return;
        }

        KeepSentencesHolding(sentences, spans, Timed);

        static bool Timed(AnswerChoice s) => s.Type == ExpectedAnswer.Time;
    }

    /// <summary>
    /// A Chinese question that <paramref name="countsThings"/> by a classifier ("每日賣多少杯", "一共有多少户", "在几楼") is
    /// answered only by a figure with a classifier of things ("200杯", "1200户", "3楼"; "几本书" by "10册图书" too): a span
    /// must state one and a sentence shown whole must hold one. Where none of the sentences read does, there is no box,
    /// rather than the price of a cup or the fee per square metre. Designed on the failures of tools/probe/own-b.json and
    /// own-c.json (docs/quality.md, "Set H, things counted by their classifier …").
    /// </summary>
    private static void MarkCountedThings(List<AnswerChoice> spans, List<AnswerChoice> sentences, bool countsThings, IReadOnlyList<AnswerPassage> passages)
    {
        if (!countsThings)
        {
            return;
        }

        var counting = spans.Where(Counts).ToHashSet();
        foreach (var span in spans)
        {
            span.Eligible &= counting.Contains(span);
        }

        foreach (var whole in sentences)
        {
            whole.Eligible &= counting.Any(s => InSentence(s, whole));
        }

        bool Counts(AnswerChoice span)
        {
            var text = passages[span.PassageIndex].Text;
            var next = Following(text, span.Answer);
            var stated = ChineseScript.ToSimplified(span.Answer.Of(text) + (next.Length > 0 ? next[..1] : ""));
            return CountedFigure().IsMatch(stated);
        }
    }

    /// <summary>The classifier a Chinese question counts by ("杯" of "每日賣多少杯"), folded to Simplified; null for none.</summary>
    internal static char? CountedClassifier(string question)
    {
        // Near the end, where a count question asks it ("有几条跑道？", "一共有多少户业主？"); further back "几座山" is part of
        // what a longer question says before it asks something else.
        var folded = ChineseScript.ToSimplified(question).TrimEnd();
        var match = CountedQuestion().Match(folded);
        return match.Success && folded.Length - (match.Index + match.Length) <= 8 ? match.Groups["c"].Value[0] : null;
    }

    // Classifiers of countable things (not units of measure, money, time or people: Measures has those). "20几所" is a
    // figure and "哪几座" asks which, not how many, hence the look-behind; only questions typed as asking a number count.
    // AskedUnitPattern (a feature of the model) reads any unit after 多少/几 without these limits, and is left as fitted.
    private const string Classifiers = "杯户件辆台张本间座所栋幢层楼条只头匹架艘块份瓶盒袋箱套双篇首册部枚颗棵株家";

    [GeneratedRegex(@"(?<![0-9０-９一二两三四五六七八九十百千万哪])(?:多少|几)(?<c>[" + Classifiers + "])")]
    private static partial Regex CountedQuestion();

    // A span ending in a figure with its classifier, and at most a two-character noun, read with the character after the
    // span: "65" + "杯", "10册图书" + "，"; not a clause that holds one and goes on ("10册图书，借期为30天").
    [GeneratedRegex(@"[0-9０-９一二两三四五六七八九十百千万]\s*(?:多|余)?(?<c>[" + Classifiers + "])[^，。；、！？,.;!?]{0,2}[，。；、！？,.;!?]?$")]
    private static partial Regex CountedFigure();

    /// <summary>Leaves a sentence eligible to be shown whole only if it holds a span option that <paramref name="answers"/> the question.</summary>
    private static void KeepSentencesHolding(List<AnswerChoice> sentences, List<AnswerChoice> spans, Func<AnswerChoice, bool> answers)
    {
        foreach (var whole in sentences)
        {
            whole.Eligible &= spans.Any(s => InSentence(s, whole) && answers(s));
        }
    }

    /// <summary>
    /// A question asking the time of day ("几点开门", "what time"), a telephone number ("the hotline's number", "客服电话") or
    /// an amount of money outright ("门票多少钱一张") is answered by one (<see cref="Measures.StrictlyAsked"/>): a span must
    /// state it and a sentence shown whole must hold it. Where none of the sentences read does, there is no box at all
    /// rather than a date, a batch number, a fragment or a sentence about something else the notice charges for. A
    /// price is also answered by "free".
    /// </summary>
    private static void MarkStrictMeasures(List<AnswerChoice> spans, List<AnswerChoice> sentences, Measure strict, IReadOnlyList<AnswerPassage> passages, HashSet<string> questionTerms)
    {
        if (strict == Measure.None)
        {
            return;
        }

        // A telephone number counts only whole: "496 0734" of "0161 496 0734" is no answer.
        var phones = strict.HasFlag(Measure.Phone)
            ? passages.Select(p => SpanExtractor.LikelyPhoneNumbers(p.Text).ToList()).ToList()
            : null;
        foreach (var option in spans.Concat(sentences))
        {
            var text = passages[option.PassageIndex].Text;
            var answer = option.Answer.Of(text);
            if (strict.HasFlag(Measure.Money) && option.Shape == AnswerShape.Span && Measures.IsFree(answer)
                && Measures.StatesFree(option.Sentence.Of(text)))
            {
                // "free" itself, which states no amount and so was not eligible among the amounts, is one.
                option.Eligible = true;
                continue;
            }

            var states = (Measures.Stated(answer) & strict & ~Measure.Phone) != 0
                || (strict.HasFlag(Measure.Money) && Measures.StatesFree(answer))
                || (phones is not null && phones[option.PassageIndex].Any(option.Answer.Holds));
            option.Eligible &= states;
        }

        if (strict.HasFlag(Measure.Money))
        {
            AnswerFromTheAskedThingsClause(spans, passages, questionTerms);
        }
    }

    /// <summary>
    /// A sentence that says one thing is free and prices another ("夜场门票免费，雪具租赁每套80元", "Weekday sessions are free,
    /// and skate hire costs 4 pounds") answers a price asked outright with the clause that names what the question asks
    /// about: the options inside the other clauses are not eligible, and "free", standing for an amount there, is ranked
    /// as the amounts are. Options that run across clauses hold both and are left as they are.
    /// </summary>
    private static void AnswerFromTheAskedThingsClause(List<AnswerChoice> spans, IReadOnlyList<AnswerPassage> passages, HashSet<string> questionTerms)
    {
        var sentences = spans.Where(o => o.Eligible && Measures.IsFree(o.Answer.Of(passages[o.PassageIndex].Text)))
            .Select(o => (o.PassageIndex, o.Sentence)).Distinct().ToList();
        foreach (var (passage, sentence) in sentences)
        {
            var text = passages[passage].Text;
            var named = spans.Where(o => o.Eligible && o.PassageIndex == passage && o.Sentence == sentence && !SpanChoices.CrossesClauses(text, o.Answer))
                .Select(o => (Option: o, Terms: TextTokenizer.Terms(SpanChoices.ClauseOf(text, sentence, o.Answer).Of(text)).Count(questionTerms.Contains)))
                .ToList();
            var most = named.Max(n => n.Terms);
            var pricedElsewhere = named.Any(n => n.Terms < most && Measures.Stated(n.Option.Answer.Of(text)).HasFlag(Measure.Money));
            foreach (var (option, terms) in named)
            {
                option.Eligible = terms == most;
                if (option.Eligible && pricedElsewhere && Measures.IsFree(option.Answer.Of(text)))
                {
                    option.Features[AnswerFeatures.Typed] = 1;
                    option.Features[AnswerFeatures.Prior] = Math.Max(option.Features[AnswerFeatures.Prior], 1);
                }
            }
        }
    }

    /// <summary>The few characters after <paramref name="range"/>, where a figure's unit or counted word stands.</summary>
    private static string Following(string text, TextRange range) => text[range.End..Math.Min(range.End + 24, text.Length)];

    /// <summary>The question form of who, whom, whose and 谁 (<see cref="AnswerFeatures.Form"/>).</summary>
    private const int WhoForm = 3;

    /// <summary>
    /// Whether <paramref name="passage"/> is about a neighbouring year and not the one the question names: "Who won the
    /// Skelby Fell Race in 2025?" against the results of the 2026 race, however well its sentences match the rest. Its
    /// options are never shown. A passage that names no year, or a distant one, may still be about it: Wikipedia's
    /// article on a season leaves its year to the title ("the 2015 season", 1995 in the text), so only a year within
    /// three of the asked one counts against it.
    /// </summary>
    private static bool OtherYear(List<int> asked, AnswerPassage passage)
    {
        if (asked.Count == 0)
        {
            return false;
        }

        var stated = Years(passage.Text.Replace(",", "", StringComparison.Ordinal) + " " + passage.Title).ToHashSet();
        return !asked.Any(stated.Contains) && stated.Any(s => asked.Any(y => Math.Abs(s - y) <= 3));
    }

    private static IEnumerable<int> Years(string text) =>
        YearForm().Matches(text).Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// The ranks (in <paramref name="related"/>, best by words first) of the sentences searched for spans: the best
    /// <see cref="ReaderOptions.SpanSentences"/> by words, then up to <paramref name="similar"/> more, the closest to the
    /// question by meaning among the rest. A question put in other words than its answer's sentence shares few words
    /// with it (docs/quality.md, "Sentences read for their meaning").
    /// </summary>
    private IEnumerable<int> SentencesToRead(List<SentenceUnit> related, int similar)
    {
        var byWords = Math.Min(related.Count, options.SpanSentences);
        for (var rank = 0; rank < byWords; rank++)
        {
            yield return rank;
        }

        var byMeaning = Enumerable.Range(byWords, related.Count - byWords)
            .Where(rank => related[rank].Similarity is not null)
            .OrderByDescending(rank => related[rank].Similarity)
            .Take(similar);
        foreach (var rank in byMeaning)
        {
            yield return rank;
        }
    }

    /// <summary>
    /// Sentences that hold some of the question's words beyond their document's subject first, then by score: only their
    /// options can be shown (<see cref="Probability"/>), and among similar notices ("… is hiring: data analyst") the
    /// sentences naming each one's subject would otherwise fill every place read and push out the one holding the answer.
    /// </summary>
    private static int ReadingOrder(SentenceUnit a, SentenceUnit b)
    {
        var focus = (b.FocusOverlap > 0).CompareTo(a.FocusOverlap > 0);
        return focus != 0 ? focus : b.Score.CompareTo(a.Score);
    }

    private static double TopScore(IReadOnlyList<AnswerPassage> passages, Func<AnswerPassage, double> score)
    {
        var top = passages.Count == 0 ? 0 : passages.Max(score);
        return top > 0 ? top : 0;
    }

    /// <summary>What the extractor knows about the question while it reads.</summary>
    private sealed record QuestionContext(
        HashSet<string> Terms,
        ExpectedAnswer Expected,
        int Form,
        bool Chinese,
        double TopRetrievalScore,
        string? AskedUnit,
        string[] FoldedPassages,
        double PassageGap,
        double[] Similarities);
}
