using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Search.Cli.Commands;
using Search.Reading;

namespace Search.Cli.Training;

/// <summary>Fits the LambdaMART span ranker: which of a question's span options is its answer.</summary>
internal sealed class SpanRankerTrainer(MLContext ml, TextWriter output)
{
    /// <summary>
    /// Fits a LambdaMART ranker on every span option of <paramref name="questions"/>, one query group per question;
    /// questions the documents do not answer have no option to rank first and are left out.
    /// </summary>
    public TreeEnsemble Fit(IReadOnlyList<(TrainingQuestion Question, AnswerReading Reading)> all, string name)
    {
        var questions = all.Where(q => !q.Question.Question.Impossible).ToList();
        var rows = new List<Row>();
        var group = 0u;
        foreach (var (question, reading) in questions)
        {
            group++;
            foreach (var option in reading.Spans)
            {
                rows.Add(new Row { Features = Row.Snapshot(option.Features, withRanker: false), Label = AnswerLabels.RankLabel(question, option), Group = group });
            }
        }

        output.WriteLine($"train: span ranker on the {name}: {rows.Count} spans of {questions.Count} questions ({rows.Count(r => r.Label >= 2)} exact)");
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("GroupKey", nameof(Row.Group))
            .Append(ml.Ranking.Trainers.FastTree(new FastTreeRankingTrainer.Options
            {
                LabelColumnName = nameof(Row.Label),
                FeatureColumnName = nameof(Row.Features),
                RowGroupColumnName = "GroupKey",
                NumberOfTrees = AnswerTrainer.RankerTrees,
                NumberOfLeaves = AnswerTrainer.Leaves,
                MinimumExampleCountPerLeaf = AnswerTrainer.MinLeafRows,
                LearningRate = AnswerTrainer.LearningRate,
                Seed = AnswerTrainer.Seed,
            }))
            .Fit(data);
        var ranker = TreeExport.Export(model.LastTransformer.Model.TrainedTreeEnsemble);
        TreeExport.Verify(ranker, model.Transform(data), rows.Select(r => r.Features).ToList(), "ranker");
        return ranker;
    }
}
