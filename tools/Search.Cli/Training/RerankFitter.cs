using Search.Ranking;

namespace Search.Cli.Training;

/// <summary>One judged query for fitting: the features of its candidates and which of them are relevant.</summary>
/// <param name="Weight">How much the query counts (e.g. 1 / queries of its set, so every set counts the same).</param>
public sealed record FitQuery(IReadOnlyList<RankingFeatures> Features, IReadOnlyList<bool> Relevant, double Weight = 1);

/// <summary>
/// Fits <see cref="RerankModel"/> weights by pairwise logistic regression: for every relevant and
/// non-relevant candidate of a query, the relevant one should score higher. Each query's pairs share its
/// weight, so a query with many candidates does not outweigh the others. Newton's method on seven
/// weights converges in a few steps; the L2 term keeps it finite when the pairs are separable.
/// </summary>
public static class RerankFitter
{
    public static RerankModel Fit(IReadOnlyList<FitQuery> queries, bool useSimilarity = true, double l2 = 1e-3, int iterations = 50)
    {
        var n = RerankModel.FeatureNames.Count;
        var pairs = Pairs(queries, useSimilarity).ToList();
        var total = pairs.Sum(p => p.Weight);
        var w = new double[n];
        if (pairs.Count == 0 || total <= 0)
        {
            return new RerankModel(w);
        }

        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var gradient = new double[n];
            var hessian = new double[n, n];
            for (var i = 0; i < n; i++)
            {
                gradient[i] = l2 * w[i];
                hessian[i, i] = l2;
            }

            foreach (var (d, weight) in pairs)
            {
                var z = 0.0;
                for (var i = 0; i < n; i++)
                {
                    z += w[i] * d[i];
                }

                var p = 1 / (1 + Math.Exp(-z));
                var share = weight / total;
                for (var i = 0; i < n; i++)
                {
                    gradient[i] += share * (p - 1) * d[i];
                    for (var j = 0; j < n; j++)
                    {
                        hessian[i, j] += share * p * (1 - p) * d[i] * d[j];
                    }
                }
            }

            var step = Solve(hessian, gradient);
            var change = 0.0;
            for (var i = 0; i < n; i++)
            {
                w[i] -= step[i];
                change = Math.Max(change, Math.Abs(step[i]));
            }

            if (change < 1e-9)
            {
                break;
            }
        }

        return new RerankModel(w);
    }

    /// <summary>Number of (relevant, non-relevant) pairs the queries give.</summary>
    public static int PairCount(IEnumerable<FitQuery> queries) =>
        queries.Sum(q => q.Relevant.Count(r => r) * q.Relevant.Count(r => !r));

    private static IEnumerable<(double[] Difference, double Weight)> Pairs(IReadOnlyList<FitQuery> queries, bool useSimilarity)
    {
        foreach (var query in queries)
        {
            var vectors = query.Features.Select(f => useSimilarity ? RerankModel.Vector(f) : RerankModel.Vector(f with { Similarity = null, SimilarityMargin = 0 })).ToArray();
            var relevant = Enumerable.Range(0, vectors.Length).Where(i => query.Relevant[i]).ToList();
            var other = Enumerable.Range(0, vectors.Length).Where(i => !query.Relevant[i]).ToList();
            var count = relevant.Count * other.Count;
            foreach (var r in relevant)
            {
                foreach (var o in other)
                {
                    yield return (vectors[r].Zip(vectors[o], (a, b) => a - b).ToArray(), query.Weight / count);
                }
            }
        }
    }

    // Gaussian elimination with partial pivoting; the L2 term makes the matrix positive definite.
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
            {
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = row;
                }
            }

            for (var k = 0; k < n; k++)
            {
                (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            }

            (x[col], x[pivot]) = (x[pivot], x[col]);
            for (var row = col + 1; row < n; row++)
            {
                var factor = m[row, col] / m[col, col];
                for (var k = col; k < n; k++)
                {
                    m[row, k] -= factor * m[col, k];
                }

                x[row] -= factor * x[col];
            }
        }

        for (var row = n - 1; row >= 0; row--)
        {
            for (var k = row + 1; k < n; k++)
            {
                x[row] -= m[row, k] * x[k];
            }

            x[row] /= m[row, row];
        }

        return x;
    }
}
