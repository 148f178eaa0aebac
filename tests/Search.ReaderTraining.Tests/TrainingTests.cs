using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.Reading.Neural;
using Search.ReaderTraining;
using Search.TestKit;

namespace Search.ReaderTraining.Tests;

public sealed class TrainingTests
{
    private static readonly WordPieces Pieces = MiniLmWeights.ReadVocabulary();

    [Fact]
    public void ATrainingWindowsLabelsPointAtTheAnswer()
    {
        var data = SquadReader.ReadFile(Prerequisite.SharedFile("squad-v1.1-dev/dev-v1.1-half.json.gz"));
        var examples = ReaderExamples.FromSquad(data, new HashSet<int> { AnswerFolds.Ranker }, ReaderExamples.Scope.Paragraph).Take(200).ToList();
        Assert.Equal(200, examples.Count);
        var labelled = 0;
        foreach (var example in examples)
        {
            foreach (var window in ReaderWindows.Windows(Pieces, example, 64, 24, training: true))
            {
                var first = window.ContextPieces[window.StartLabel - window.ContextFirst];
                var last = window.ContextPieces[window.EndLabel - window.ContextFirst];
                var answer = example.Answer!.Value;
                // The labelled pieces cover the answer and nothing beyond the words it touches.
                Assert.True(first.Start <= answer.Start && last.End >= answer.End, $"{example.Id}: {example.Context[first.Start..last.End]}");
                Assert.True(window.Length <= 64);
                labelled++;
            }
        }

        // Windows of 64 pieces over whole paragraphs: most answers fit in one (the rest have no training window).
        Assert.True(labelled > 150, $"{labelled} of 200 labelled");
    }

    [Theory]
    [InlineData("Who built the Harbour Lantern?", "The Harbour Lantern was built by Mara Voss.", "the,harbour,lantern,built")]
    [InlineData("灯塔是谁建的？", "这座灯塔由马拉建于1873年。", "灯,塔,建")]
    public void TheContextsPiecesThatTheQuestionHoldsAreMarkedWhenTheReaderAsks(string question, string context, string marked)
    {
        // A grown vocabulary, as the shipped reader's: the Chinese characters are pieces of their own.
        var pieces = new WordPieces([.. Pieces.Vocabulary, .. ReaderExamples.MissingCharacters(Pieces, [question + context], 1)]);
        var example = new ReaderExample("m", question, context, [], null);

        var window = Assert.Single(ReaderWindows.Windows(pieces, example, 64, 24, training: false, marksMatches: true));
        var plain = Assert.Single(ReaderWindows.Windows(pieces, example, 64, 24, training: false));

        var types = window.Types.Skip(window.ContextFirst).Take(window.ContextPieces.Count).ToList();
        var words = window.ContextPieces.Where((_, i) => types[i] == ReaderWindows.MatchedType).Select(p => context[p.Start..p.End].ToLowerInvariant());
        Assert.Equal(marked.Split(','), words.Distinct());
        Assert.All(window.Types.Take(window.ContextFirst), t => Assert.Equal(0, t));
        Assert.Equal(window.Ids, plain.Ids);
        Assert.DoesNotContain((long)ReaderWindows.MatchedType, plain.Types);
    }

    [Fact]
    public void ASentenceThatDoesNotHoldTheAnswerIsLabelledNoAnswerAtTheClassifier()
    {
        var data = SquadReader.ReadFile(Prerequisite.SharedFile("squad-v1.1-dev/dev-v1.1-half.json.gz"));
        var folds = new HashSet<int> { AnswerFolds.Ranker };
        var questions = ReaderExamples.FromSquad(data, folds, ReaderExamples.Scope.Sentence).Take(50).Select(e => e.Id).ToHashSet();
        var negatives = ReaderExamples.Negatives(data, folds, perQuestion: 1, seed: 5).Where(n => questions.Contains(n.Id[..n.Id.LastIndexOf('/')])).ToList();

        Assert.True(negatives.Count > 40, $"{negatives.Count} of 50 questions have another sentence");
        Assert.Empty(ReaderExamples.Negatives(data, folds, perQuestion: 1, seed: 5, languages: new HashSet<string> { "zh" }));
        Assert.NotEmpty(ReaderExamples.Negatives(data, folds, perQuestion: 1, seed: 5, languages: new HashSet<string> { "en" }));
        foreach (var negative in negatives)
        {
            Assert.Null(negative.Answer);
            var question = data.Questions.Single(q => q.Id == negative.Id[..negative.Id.LastIndexOf('/')]);
            Assert.DoesNotContain(question.Answers, a => negative.Context.Contains(a, StringComparison.Ordinal));
            var window = Assert.Single(ReaderWindows.Windows(Pieces, negative, 64, 24, training: true));
            Assert.Equal((0, 0), (window.StartLabel, window.EndLabel));
        }

        // The decoder keeps the lowest [CLS] score over the windows it reads.
        var example = new ReaderExample("x", "Who?", "Ann met Bob.", [], null);
        var windows = ReaderWindows.Windows(Pieces, example, 64, 24, training: false);
        var starts = new float[windows[0].Length];
        var ends = new float[windows[0].Length];
        (starts[0], ends[0]) = (2f, 1.5f);
        starts[windows[0].ContextFirst] = 1f;
        ends[windows[0].ContextFirst] = 1f;
        var read = SpanDecoder.Better(ReadAnswer.None, example, windows[0], starts, ends, 30);
        Assert.Equal(("Ann", 3.5), (read.Text, read.NoAnswerScore));
    }

    [Fact]
    public void EverySentenceOfAQuestionTheDocumentDoesNotAnswerIsLabelledNoAnswer()
    {
        const string json = """
            {"version": "test", "data": [
              {"title": "Brackenridge ice rink", "paragraphs": [{"id": "rink", "context": "The rink reopens on 6 December. Skate hire is included.",
                "qas": [
                  {"id": "rink/q1", "question": "When does the rink reopen?", "answers": [{"text": "6 December", "answer_start": 20}]},
                  {"id": "rink/x1", "question": "How much is a session at the rink?", "answers": [], "is_impossible": true}]}]},
              {"title": "云岭滑雪场", "paragraphs": [{"id": "ski", "context": "雪季从12月20日开始。夜场开放到22:00。",
                "qas": [{"id": "ski/x1", "question": "夜场票多少钱？", "answers": [], "is_impossible": true}]}]}]}
            """;
        var data = SquadReader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        var folds = new HashSet<int> { AnswerFolds.Ranker, AnswerFolds.Confidence };

        var all = ReaderExamples.Unanswerable(data, folds);
        var english = ReaderExamples.Unanswerable(data, folds, new HashSet<string> { "en" });

        Assert.Equal(["rink/x1/none0", "rink/x1/none1", "ski/x1/none0", "ski/x1/none1"], all.Select(e => e.Id));
        Assert.Equal(["The rink reopens on 6 December.", "Skate hire is included."], english.Select(e => e.Context.Trim()));
        Assert.All(all, e => Assert.Null(e.Answer));
        Assert.Empty(ReaderExamples.Unanswerable(data, new HashSet<int> { AnswerFolds.Calibration }));
    }

    [Fact]
    public void AFewEpochsOnAFewQuestionsTeachTheReaderTheirAnswers()
    {
        var data = SquadReader.ReadFile(Prerequisite.SharedFile("squad-v1.1-dev/dev-v1.1-half.json.gz"));
        var examples = ReaderExamples.FromSquad(data, new HashSet<int> { AnswerFolds.Ranker }, ReaderExamples.Scope.Sentence).Take(24).ToList();
        using var model = new ReaderModel(MiniLmWeights.ReadPackaged(), seed: 3);
        var trainer = new ReaderTrainer(model, Pieces, new TrainingSettings { MaxTokens = 48, BatchSize = 8, Epochs = 6, LearningRate = 2e-4, Seed = 3 }, _ => { });
        double F1() => examples.Zip(trainer.Read(examples), (e, a) => AnswerMetrics.F1(a.Text, e.Golds, chinese: false)).Average();

        var before = F1();
        trainer.Train(examples, []);
        var after = F1();

        // Measured 2026-12-04: F1 0.10 before, 0.59 after (in-sample by design: a reader that cannot learn 24 answers is broken).
        Assert.True(after > before + 0.3, $"F1 on the questions it learnt from: {before:F2} before, {after:F2} after");
    }

    [Fact]
    public void PretrainingTeachesTheAddedPiecesAndLeavesThePackagedEncoderAsItWas()
    {
        var data = SquadReader.ReadFile(Prerequisite.SharedFile("drcd/DRCD_dev.json.gz"));
        var passages = ReaderExamples.Passages(data, new HashSet<int> { AnswerFolds.Ranker }).Take(12).ToList();
        var missing = ReaderExamples.MissingCharacters(Pieces, passages, minimum: 1);
        var pieces = new WordPieces([.. Pieces.Vocabulary, .. missing]);
        using var model = new ReaderModel(MiniLmWeights.ReadPackaged(), seed: 5, newRows: missing.Count, unknown: pieces.Unknown);
        var encoderBefore = model.EncoderWeights();
        var rowsBefore = model.NewRows!.detach().clone();

        var pretrainer = new RowPretrainer(model, pieces, windowPieces: 48, batchSize: 8, learningRate: 3e-3, encoderRate: 0, seed: 5, _ => { });
        pretrainer.Train(passages, epochs: 6);

        // Measured 2026-12-06: masked-piece loss 8.33 in the first epoch, 7.03 in the sixth (in-sample by design: the
        // passages it learnt from; on the 925 Chinese passages of the real run, 8.7 falling to 6.9 in two epochs).
        Assert.True(pretrainer.EpochLoss[^1] < pretrainer.EpochLoss[0] - 0.8, $"loss by epoch: {string.Join(", ", pretrainer.EpochLoss.Select(l => l.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.False(model.NewRows.detach().allclose(rowsBefore), "the added rows did not learn");
        var encoderAfter = model.EncoderWeights();
        foreach (var (name, weight) in encoderBefore.Where(w => w.Key != ReaderModel.WordEmbeddings))
        {
            Assert.Equal(weight, encoderAfter[name]);
        }

        Assert.True(model.Encoder.All(p => p.requires_grad), "the encoder is left ready to fine-tune");
    }

    [Fact]
    public void ReadersOfOneDayThatDifferCarryDifferentVersions()
    {
        var day = new DateTime(2026, 12, 7);
        var shared = ReaderVersion.Of(day, "Sentence", 64, 6, ["en", "zh"], 0, [0, 1, 2], 13);
        var english = ReaderVersion.Of(day, "Sentence", 64, 6, ["en"], 1, [0, 1, 2], 13);
        var fold = ReaderVersion.Of(day, "Sentence", 64, 6, ["en"], 1, [2, 0], 13);

        Assert.Equal("minilm-span-20261207-sentence64-enzh-seed13", shared);
        Assert.Equal("minilm-span-20261207-sentence64-en-neg1-seed13", english);
        Assert.Equal("minilm-span-20261207-sentence64-en-neg1-folds02-seed13", fold);
        Assert.Equal("minilm-span-20261207-sentence64-l3-en-seed13", ReaderVersion.Of(day, "Sentence", 64, 3, ["en"], 0, [0, 1, 2], 13));
        Assert.Equal("minilm-span-20261207-sentence64-en-neg1-e4-seed13", ReaderVersion.Of(day, "Sentence", 64, 6, ["en"], 1, [0, 1, 2], 13, epochs: 4));
        Assert.Equal("minilm-span-20261207-sentence64-enzh-match-seed13", ReaderVersion.Of(day, "Sentence", 64, 6, ["en", "zh"], 0, [0, 1, 2], 13, marksMatches: true));
    }
}
