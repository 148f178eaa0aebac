using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Search.Reading;
using ExportedTree = Search.Reading.RegressionTree;

namespace Search.Cli.Training;

/// <summary>
/// ML.NET's fitted trees copied into the model file's form, which the answer service scores with its own
/// evaluator; the copy is checked against ML.NET's scores before it is used.
/// </summary>
internal static class TreeExport
{
    public static TreeEnsemble Export(RegressionTreeEnsemble ensemble) => new()
    {
        Bias = ensemble.Bias,
        Trees = ensemble.Trees.Select((tree, i) =>
        {
            if (tree.CategoricalSplitFlags.Any(c => c))
            {
                throw new InvalidOperationException("a tree uses a categorical split, which the service's evaluator does not read");
            }

            return new ExportedTree
            {
                Weight = ensemble.TreeWeights[i],
                Features = tree.NumericalSplitFeatureIndexes.ToArray(),
                Thresholds = tree.NumericalSplitThresholds.ToArray(),
                Left = tree.LeftChild.ToArray(),
                Right = tree.RightChild.ToArray(),
                Leaves = tree.LeafValues.ToArray(),
            };
        }).ToList(),
    };

    /// <summary>
    /// Boosted binary trees (ML.NET FastTree, the answer trainer's learning rate, leaf size and seed) on
    /// <paramref name="data"/>'s <c>Features</c> and boolean <c>Label</c> columns, whose feature vectors are
    /// <paramref name="features"/>; exported and checked against ML.NET's own scores.
    /// </summary>
    public static TreeEnsemble FitBinary(MLContext ml, IDataView data, IReadOnlyList<float[]> features, int trees, int leaves, string name)
    {
        var fitted = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            NumberOfTrees = trees,
            NumberOfLeaves = leaves,
            MinimumExampleCountPerLeaf = AnswerTrainer.MinLeafRows,
            LearningRate = AnswerTrainer.LearningRate,
            Seed = AnswerTrainer.Seed,
        }).Fit(data);
        var exported = Export(fitted.Model.SubModel.TrainedTreeEnsemble);
        Verify(exported, fitted.Transform(data), features, name);
        return exported;
    }

    /// <summary>The exported trees must score every training row as ML.NET does.</summary>
    public static void Verify(TreeEnsemble exported, IDataView scored, IReadOnlyList<float[]> rows, string name)
    {
        var scores = scored.GetColumn<float>("Score").ToArray();
        var worst = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            worst = Math.Max(worst, Math.Abs(exported.Score(rows[i]) - scores[i]));
        }

        if (worst > 1e-3)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the exported {name} trees disagree with ML.NET by up to {worst:g3}"));
        }
    }
}
