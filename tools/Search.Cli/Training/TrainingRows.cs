using Microsoft.ML.Data;
using Search.Reading;

namespace Search.Cli.Training;

/// <summary>A training row as ML.NET reads it: an option's features, its label and, for the ranker, its question.</summary>
internal sealed class Row
{
    [VectorType(AnswerFeatures.Count)]
    public float[] Features { get; set; } = [];

    public float Label { get; set; }

    public uint Group { get; set; }

    /// <summary>
    /// A copy of an option's features: judging fills the ranker's score into the option itself, and the
    /// same option is judged again by other rankers. The ranker never sees its own (or another's) score.
    /// </summary>
    public static float[] Snapshot(float[] features, bool withRanker)
    {
        var copy = (float[])features.Clone();
        if (!withRanker)
        {
            copy[AnswerFeatures.RankerScore] = 0;
            copy[AnswerFeatures.RankerMargin] = 0;
        }

        return copy;
    }
}

/// <summary>A row of the confidence model, whose trainer wants a boolean label.</summary>
internal sealed class BinaryRow
{
    [VectorType(AnswerFeatures.Count)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}

/// <summary>A row of the reader confidence (<see cref="ReaderFeatures"/>).</summary>
internal sealed class ReaderRow
{
    [VectorType(ReaderFeatures.Count)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}
