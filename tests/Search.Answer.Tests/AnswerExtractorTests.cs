using Search.Reading;
using Search.Text;

namespace Search.Answer.Tests;

public sealed class AnswerExtractorTests
{
    private static readonly AnswerPassage[] Telephone =
    [
        new("The telephone changed communication. The telephone was patented by Alexander Graham Bell in 1876. Early telephones were rented in pairs."),
        new("Radio came later. Guglielmo Marconi sent signals across the Atlantic in 1901."),
    ];

    private readonly AnswerExtractor _extractor = new(new ReaderOptions(), AnswerModel.LoadDefault());

    [Fact]
    public void AnswersAWhoQuestionWithANameInsideTheRightSentence()
    {
        var result = _extractor.Extract("Who patented the telephone?", ExpectedAnswer.Person, Telephone);

        // The short answer is the name; the box shows it alone or, when it is not sure enough of the
        // exact words, the sentence around it.
        var span = Assert.IsType<AnswerCandidate>(result.BestSpan);
        Assert.Equal(AnswerShape.Span, span.Shape);
        Assert.Equal("Alexander Graham Bell", span.Answer.Of(Telephone[0].Text));
        var candidate = Assert.IsType<AnswerCandidate>(result.Candidate);
        Assert.Equal("The telephone was patented by Alexander Graham Bell in 1876.", candidate.Sentence.Of(Telephone[0].Text));
        Assert.Contains("Alexander Graham Bell", candidate.Answer.Of(Telephone[0].Text), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("台北101有多少層？", "101層")]
    [InlineData("台北101有多高？", "508公尺")]
    public void ACountQuestionMarksTheSpanWithTheAskedUnitAsAFullAnswerEvenWhenTheQuestionRepeatsItsFigure(string question, string expected)
    {
        AnswerPassage[] passages = [new("台北101是位於臺北市信義區的摩天大樓，高508公尺，地上共101層，2004年12月31日正式啟用。")];

        var reading = _extractor.Read(question, AnswerCues.Detect(question), passages);

        var option = Assert.Single(reading.Spans, o => o.Answer.Of(passages[0].Text) == expected);
        Assert.Equal(1, option.Features[AnswerFeatures.Typed]);
        Assert.Equal(0, option.Features[AnswerFeatures.Repeat]);
        Assert.True(option.Features[AnswerFeatures.Prior] >= 0.5, $"prior {option.Features[AnswerFeatures.Prior]}");
    }

    [Fact]
    public void AnswersAWhenQuestionWithAYear()
    {
        var result = _extractor.Extract("When did Marconi send signals across the Atlantic?", ExpectedAnswer.Time, Telephone);

        var candidate = Assert.IsType<AnswerCandidate>(result.Candidate);
        Assert.Equal(1, candidate.PassageIndex);
        Assert.Equal("1901", candidate.Answer.Of(Telephone[1].Text));
    }

    [Fact]
    public void AnswersSimplifiedChineseQuestions()
    {
        AnswerPassage[] passages =
        [
            new("长江是中国最长的河流。长江全长约6300公里，流经十一个省级行政区。长江流域物产丰富。"),
            new("黄河是中国第二长河。黄河全长约5464公里。"),
        ];

        var result = _extractor.Extract("长江全长多少公里？", AnswerCues.Detect("长江全长多少公里？"), passages);

        var candidate = Assert.IsType<AnswerCandidate>(result.Candidate);
        Assert.Equal(0, candidate.PassageIndex);
        Assert.Contains("6300公里", candidate.Answer.Of(passages[0].Text), StringComparison.Ordinal);
    }

    [Fact]
    public void TraditionalQuestionsFindTypedOptionsInTraditionalPassages()
    {
        AnswerPassage[] passages =
        [
            new("京張鐵路是中國自行設計的第一條鐵路。這條鐵路由詹天佑主持設計，於1909年通車。"),
        ];

        var reading = _extractor.Read("京張鐵路是誰主持設計的？", ExpectedAnswer.Person, passages);

        var option = Assert.Single(reading.Spans, o => o.Answer.Of(passages[0].Text) == "詹天佑");
        Assert.Equal(1, option.Features[AnswerFeatures.Typed]);
        Assert.Equal(AnswerFeatures.Form("京張鐵路是誰主持設計的？"), option.Features[AnswerFeatures.QuestionForm]);
        Assert.Equal(1, option.Features[AnswerFeatures.Chinese]);
        // Right beside the question's words on both sides ("由" is not a question word; "主持設計" is).
        Assert.Equal(0, option.Features[AnswerFeatures.RightDistance]);
    }

    [Fact]
    public void UntypedQuestionsAreAnsweredFromTheRightSentence()
    {
        var result = _extractor.Extract("What happened to early telephones?", ExpectedAnswer.None, Telephone);

        var candidate = Assert.IsType<AnswerCandidate>(result.Candidate);
        Assert.Equal("Early telephones were rented in pairs.", candidate.Sentence.Of(Telephone[0].Text));
        Assert.Contains(candidate.Answer.Of(Telephone[0].Text), candidate.Sentence.Of(Telephone[0].Text), StringComparison.Ordinal);
    }

    [Fact]
    public void EverySentenceOfTheBestFewIsAnOptionAndItsPhrasesAreSpanOptions()
    {
        var reading = _extractor.Read("What happened to early telephones?", ExpectedAnswer.None, Telephone);

        Assert.Contains(reading.Sentences, o => o.Answer.Of(Telephone[0].Text) == "Early telephones were rented in pairs.");
        Assert.Contains(reading.Spans, o => o.PassageIndex == 0 && o.Answer.Of(Telephone[0].Text) == "rented in pairs");
        Assert.All(reading.Spans, o => Assert.Equal(AnswerFeatures.Count, o.Features.Length));
        Assert.All(reading.Spans, o => Assert.Equal(0, o.Features[AnswerFeatures.IsSentence]));
        Assert.All(reading.Sentences, o => Assert.Equal(1, o.Features[AnswerFeatures.IsSentence]));
    }

    [Fact]
    public void ASpanOfOnlyQuestionWordsIsNeverAnOption()
    {
        var reading = _extractor.Read("Who patented the telephone?", ExpectedAnswer.Person, Telephone);

        Assert.DoesNotContain(reading.Spans, o => o.PassageIndex == 0 && o.Answer.Of(Telephone[0].Text) is "telephone" or "patented" or "telephone was patented");
    }

    [Fact]
    public void TheSentenceClosestByMeaningIsReadBesidesTheBestByWords()
    {
        const string text = "The Harbour Museum shop sells maps of the harbour. The Harbour Museum café serves lunch by the harbour. " +
            "Harbour Museum members get free tours of the harbour. Walks round the Harbour Museum leave from the harbour gate. " +
            "The museum's doors first welcomed visitors in 1901.";
        const string question = "When did the Harbour Museum open?";
        var sentences = SentenceSplitter.Split(text);
        var answering = sentences[^1];
        // The last sentence shares one word with the question, the others three: by words it is fifth.
        var scored = sentences.Select(r => new ScoredSentence(r, r == answering ? 0.8 : 0.3)).ToList();
        var withNames = new AnswerExtractor(new ReaderOptions(), new AnswerModel { FeatureNames = AnswerFeatures.Names });
        var older = new AnswerExtractor(new ReaderOptions(), new AnswerModel { FeatureNames = AnswerFeatures.Names.Take(AnswerFeatures.CountWithoutSimilarity).ToList() });

        var byWordsOnly = withNames.Read(question, ExpectedAnswer.Time, [new AnswerPassage(text)]);
        var byMeaning = withNames.Read(question, ExpectedAnswer.Time, [new AnswerPassage(text, Sentences: scored)]);
        var olderModel = older.Read(question, ExpectedAnswer.Time, [new AnswerPassage(text, Sentences: scored)]);

        Assert.DoesNotContain(byWordsOnly.Spans, o => o.Sentence == answering);
        Assert.DoesNotContain(olderModel.Spans, o => o.Sentence == answering);
        var year = Assert.Single(byMeaning.Spans, o => o.Answer.Of(text) == "1901");
        Assert.Equal(0.8f, year.Features[AnswerFeatures.Similarity]);
        Assert.Equal(0, year.Features[AnswerFeatures.SimilarityRank]);
        Assert.Equal(0, year.Features[AnswerFeatures.SimilarityGap]);
        Assert.All(byWordsOnly.Spans, o => Assert.Equal(AnswerFeatures.NoSimilarity, o.Features[AnswerFeatures.Similarity]));
        var other = byMeaning.Sentences.First(o => o.Sentence != answering);
        Assert.Equal(1, other.Features[AnswerFeatures.SimilarityRank]);
        Assert.Equal(-0.5f, other.Features[AnswerFeatures.SimilarityGap], 0.0001f);
    }

    [Fact]
    public void ASentenceIsJudgedByTheBestSpanOfItsOwnPassageWhenAnotherPassagesSentenceHasTheSameRange()
    {
        // Both passages' first sentences run over characters 0-53: the best span inside each must be its own.
        AnswerPassage[] passages =
        [
            new("Alexander Graham Bell patented the telephone in 1876. It changed how people spoke."),
            new("The weather on the telephone coast was wet that year. Nobody was named in it."),
        ];
        Assert.Equal(passages[0].Text.IndexOf('.', StringComparison.Ordinal), passages[1].Text.IndexOf('.', StringComparison.Ordinal));

        var reading = _extractor.Read("What happened to the telephone?", ExpectedAnswer.None, passages);
        _extractor.Judge(reading);

        var firsts = reading.Sentences.Where(s => s.Sentence.Start == 0 && s.Eligible).ToList();
        Assert.Equal(2, firsts.Count);
        foreach (var sentence in firsts)
        {
            var own = reading.Spans.Where(s => s.PassageIndex == sentence.PassageIndex && s.Sentence == sentence.Sentence)
                .Select(s => s.Features[AnswerFeatures.RankerScore]).DefaultIfEmpty(-10).Max();
            Assert.Equal(own, sentence.Features[AnswerFeatures.RankerScore]);
        }
    }

    [Fact]
    public void AbstainsBelowTheThresholdButStillReturnsTheCandidate()
    {
        var strict = new AnswerExtractor(new ReaderOptions { TargetPrecision = 0.999 }, new AnswerModel
        {
            FeatureNames = AnswerFeatures.Names,
            Calibration = new IsotonicCalibration { Scores = [0], Probabilities = [0.5] },
            Curve = [new CurvePoint(0.99, 0.95, 0.01)],
        });

        var result = strict.Extract("Who patented the telephone?", ExpectedAnswer.Person, Telephone);

        Assert.NotNull(result.Candidate);
        Assert.False(result.Shown);
        Assert.Contains("below the threshold", result.AbstainReason, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfidenceIsAProbability()
    {
        var result = _extractor.Extract("Who patented the telephone?", ExpectedAnswer.Person, Telephone);

        Assert.InRange(result.Candidate!.Confidence, 0, 1);
        Assert.Equal(result.Candidate.Confidence >= _extractor.Threshold, result.Shown);
    }

    [Fact]
    public void NoPassagesGiveNoCandidateAndAReason()
    {
        var result = _extractor.Extract("Who patented the telephone?", ExpectedAnswer.Person, []);

        Assert.Null(result.Candidate);
        Assert.False(result.Shown);
        Assert.NotEmpty(result.AbstainReason);
    }

    [Fact]
    public void UnrelatedPassagesGiveNoCandidate()
    {
        var result = _extractor.Extract("Who discovered penicillin?", ExpectedAnswer.Person, Telephone);

        Assert.Null(result.Candidate);
        Assert.NotEmpty(result.AbstainReason);
    }

    [Fact]
    public void NeverAnswersWithTheWholePassage()
    {
        AnswerPassage[] passages = [new("Telephones were rented in pairs during the early years.")];

        var result = _extractor.Extract("How were telephones rented?", ExpectedAnswer.None, passages);

        Assert.True(result.Candidate is null || result.Candidate.Answer.Of(passages[0].Text) != passages[0].Text);
    }

    [Fact]
    public void LongUnpunctuatedTextIsCutIntoShortSentences()
    {
        var options = new ReaderOptions();
        var text = string.Join(' ', Enumerable.Repeat("the quarry near the river produced granite blocks for the harbour wall", 40));
        AnswerPassage[] passages = [new(text)];

        var result = new AnswerExtractor(options, AnswerModel.LoadDefault()).Extract("What did the quarry produce?", ExpectedAnswer.None, passages);

        var candidate = Assert.IsType<AnswerCandidate>(result.Candidate);
        Assert.InRange(candidate.Answer.Length, 1, options.MaxSentenceChars);
    }

    [Theory]
    [InlineData("title:(a OR b) AND \"")]
    [InlineData("<script>alert('who')</script>")]
    [InlineData("* ~ \\ who?")]
    [InlineData("\u0000\u0001 who \u202E invented \uD800 it?")]
    [InlineData("谁？？？")]
    public void HostileQuestionsGiveANormalResult(string question)
    {
        var result = _extractor.Extract(question, AnswerCues.Detect(question), Telephone);

        if (result.Candidate is { } c)
        {
            var text = Telephone[c.PassageIndex].Text;
            Assert.InRange(c.Answer.Start, 0, text.Length);
            Assert.InRange(c.Answer.End, c.Answer.Start, text.Length);
        }
        else
        {
            Assert.NotEmpty(result.AbstainReason);
        }
    }

    [Fact]
    public void HostilePassagesKeepOffsetsValid()
    {
        AnswerPassage[] passages =
        [
            new(""),
            new("<b>Bell</b> patented the telephone in 1876 \u0000 \uDC00 title:(a OR b) AND \" * ~ \\"),
            new(new string('x', 200_000) + " telephone Bell 1876"),
            new("😀 The telephone 😀 was patented in 1876 by Bell 😀. 電話於1876年由貝爾發明。"),
        ];

        foreach (var type in Enum.GetValues<ExpectedAnswer>())
        {
            var result = _extractor.Extract("When was the telephone patented by Bell?", type, passages);

            var c = Assert.IsType<AnswerCandidate>(result.Candidate);
            var text = passages[c.PassageIndex].Text;
            Assert.InRange(c.Answer.End, c.Answer.Start + 1, text.Length);
            Assert.True(c.Sentence.Start <= c.Answer.Start && c.Answer.End <= c.Sentence.End);
            Assert.False(char.IsLowSurrogate(text[c.Answer.Start]));
        }
    }
}
