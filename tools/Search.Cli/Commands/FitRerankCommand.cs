using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Search.Cli.Evaluation;
using Search.Cli.Training;
using Search.Client;
using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.Ranking;

namespace Search.Cli.Commands;

/// <summary>
/// <c>fit-rerank</c>: fits the reranker's fused weights (BM25, query-passage similarity, lexical features)
/// on judged queries run through the cluster's retrieval, and writes the weights file the rerank service loads.
/// </summary>
public static class FitRerankCommand
{
    private const string Details = """
        Runs judged queries through the gateway's Retrieve (BM25 passages with their similarity to the
        query), computes the reranker's features for the first --candidates passages, fits the fused
        weights by pairwise logistic regression, and writes them with the data they were fitted on and
        the metric by ranker: bm25, lexical (the hand weights), fitted_lexical (no similarity), fused,
        and fused_cross_validated (two folds: each half of the fitted queries scored by weights fitted on
        the other).

        A quarter of each set is held out and never fitted on: SciFact queries whose id mod 4 is 3 (what
        'eval beir --fold test' asks), SQuAD questions of the articles 'train answer' holds out (what
        'eval squad --fold test' asks). Each set reports its metrics on the fitted queries (in-sample) and
        on the held-out ones. Each set counts the same in the fit, however many queries it has.
        """;

    private const int BeirPassagesPerQuery = 200;

    public static Command Create(Option<string> gateway)
    {
        var scifact = new Option<string>("--scifact") { Description = "a BEIR SciFact folder: corpus.jsonl.gz, queries.jsonl, qrels/train.tsv (nDCG@10)", HelpName = "DIR" };
        var squad = new Option<string>("--squad") { Description = "a SQuAD file; each question's gold paragraph is its relevant passage (top-1)", HelpName = "FILE" };
        var cache = new Option<string>("--cache")
        {
            Description = "keeps each set's retrieved candidates as DIR/<set>.candidates.json and reuses them, "
                + "so each set can come from a cluster holding only its own corpus",
            HelpName = "DIR",
        };
        var candidates = CliSyntax.Number("--candidates", "passages reranked per query, 2..200; the default is the gateway's rerank candidates", 20, 2, 200);
        var limit = CliSyntax.Limit("--limit", "only the first N queries of each set");
        var l2 = CliSyntax.NonNegative("--l2", "regularisation", 0.001);
        var outPath = new Option<string>("--out")
        {
            Description = "weights file to write",
            HelpName = "FILE",
            DefaultValueFactory = _ => Path.Combine("services", "Search.Rerank", "rerank-weights.json"),
        };
        var command = new CliCommand("fit-rerank", "Fits the reranker's fused weights on judged queries and writes rerank-weights.json.", Details)
        {
            scifact, squad, cache, candidates, limit, l2, outPath,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(scifact) is null && result.GetValue(squad) is null)
            {
                result.AddError("give --scifact DIR, --squad FILE or both");
            }
        });
        command.SetAction((parse, cancellationToken) => RunAsync(
            new FitRun(parse.GetValue(scifact), parse.GetValue(squad), parse.GetValue(cache), parse.GetValue(candidates), parse.GetValue(limit) ?? int.MaxValue, parse.GetValue(l2), parse.GetValue(outPath)!),
            "search-cli fit-rerank " + string.Join(' ', CliApp.ArgumentsAfter(parse, command)),
            parse.GetValue(gateway)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private sealed record FitRun(string? SciFact, string? Squad, string? Cache, int Candidates, int Limit, double L2, string OutPath);

    /// <param name="commandLine">the command as typed, recorded in the weights file</param>
    private static async Task<int> RunAsync(FitRun run, string commandLine, string gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (scifact, squad, cache, candidates, limit, l2, outPath) = run;
        var sets = new List<JudgedSet>();
        try
        {
            if (scifact is not null)
            {
                sets.Add(await LoadOrRetrieveAsync("scifact-train", cache, gateway, error, ct => RetrieveSciFactAsync(scifact, limit, gateway, error, ct), cancellationToken));
            }

            if (squad is not null)
            {
                sets.Add(await LoadOrRetrieveAsync("squad", cache, gateway, error, ct => RetrieveSquadAsync(squad, limit, gateway, error, ct), cancellationToken));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return CliApp.ExitFailure;
        }

        var prepared = sets.Select(s => Prepare(s, candidates, limit)).ToList();
        var withoutSimilarity = prepared.Sum(s => s.Queries.Count(q => q.Features.Any(f => f.Similarity is null)));
        if (withoutSimilarity > 0)
        {
            await error.WriteLineAsync($"fit-rerank: {withoutSimilarity} queries have candidates without a similarity (embeddings off, or not English); they count with similarity 0");
        }

        // Fit on every query outside the held-out fold; the held-out queries only measure.
        var fitSets = prepared.Select(s => s.Where(q => !q.HeldOut)).ToList();
        var heldOutSets = prepared.Select(s => s.Where(q => q.HeldOut)).ToList();
        var fitQueries = fitSets.SelectMany(s => s.Queries.Select(q => q.Fit)).ToList();
        var fused = RerankFitter.Fit(fitQueries, useSimilarity: true, l2);
        var lexicalOnly = RerankFitter.Fit(fitQueries, useSimilarity: false, l2);
        // Two folds by query position within the fitted queries: each half is scored by weights fitted on the other half.
        var folds = new[] { 0, 1 }
            .Select(fold => RerankFitter.Fit(fitSets.SelectMany(s => s.Queries.Where((_, i) => i % 2 != fold).Select(q => q.Fit)).ToList(), true, l2))
            .ToArray();
        var lexical = new PassageReranker(new RerankOptions { WeightsFile = "" });

        var reports = new List<RerankFitSet>();
        for (var i = 0; i < prepared.Count; i++)
        {
            var (set, fit, heldOut) = (prepared[i], fitSets[i], heldOutSets[i]);
            var metric = set.Source.Kind == SetKind.Beir ? "ndcg@10" : "top1";
            var fitMetrics = Measure(fit, fused, lexicalOnly, lexical);
            fitMetrics["fused_cross_validated"] = Math.Round(fit.Score((q, f) => folds[q % 2].Score(f)), 4);
            var heldOutMetrics = Measure(heldOut, fused, lexicalOnly, lexical);
            reports.Add(new RerankFitSet(
                set.Source.Name, set.Source.Paths, fit.Queries.Count, fit.Queries.Count(q => q.Fit.Relevant.Any(r => r)),
                RerankFitter.PairCount(fit.Queries.Select(q => q.Fit)), metric, fitMetrics, heldOut.Queries.Count, heldOutMetrics));
            await output.WriteLineAsync($"{set.Source.Name}, fitted on ({fit.Queries.Count} queries, {metric}, in-sample): {Line(fitMetrics)}");
            await output.WriteLineAsync($"{set.Source.Name}, held out ({heldOut.Queries.Count} queries, {metric}): {Line(heldOutMetrics)}");
        }

        var c = CultureInfo.InvariantCulture;
        var report = new RerankFitReport(
            DateTime.UtcNow.ToString("yyyy-MM-dd", c),
            commandLine,
            candidates,
            l2,
            reports);
        RerankModel.Save(outPath, fused.ToWeights(report));
        await output.WriteLineAsync("weights: " + string.Join("  ", RerankModel.FeatureNames.Select((n, i) => string.Create(c, $"{n}={fused.Weights[i]:0.###}"))));
        await output.WriteLineAsync($"wrote {outPath}");
        return CliApp.ExitOk;
    }

    /// <summary>The set's metric by ranker: retrieval order, the lexical hand weights, and the two fitted models.</summary>
    private static Dictionary<string, double> Measure(PreparedSet set, RerankModel fused, RerankModel lexicalOnly, PassageReranker lexical)
    {
        var metrics = new Dictionary<string, double>
        {
            ["bm25"] = set.Score((_, f) => f.Bm25),
            ["lexical"] = set.Score((_, f) => lexical.Score(f)),
            ["fitted_lexical"] = set.Score((_, f) => lexicalOnly.Score(f)),
            ["fused"] = set.Score((_, f) => fused.Score(f)),
        };
        if (set.Source.Kind == SetKind.Squad)
        {
            metrics["fused_top5"] = set.Score((_, f) => fused.Score(f), top5: true);
            metrics["lexical_top5"] = set.Score((_, f) => lexical.Score(f), top5: true);
            metrics["bm25_top5"] = set.Score((_, f) => f.Bm25, top5: true);
        }

        return metrics.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 4));
    }

    private static string Line(Dictionary<string, double> metrics) =>
        string.Join("  ", metrics.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:0.000}")));

    private static async Task<JudgedSet> LoadOrRetrieveAsync(
        string name, string? cache, string gateway, TextWriter error, Func<CancellationToken, Task<JudgedSet>> retrieve, CancellationToken cancellationToken)
    {
        var path = cache is null ? null : Path.Combine(cache, $"{name}.candidates.json");
        if (path is not null && File.Exists(path))
        {
            await error.WriteLineAsync($"fit-rerank: {name}: candidates from {path}");
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<JudgedSet>(stream, JsonOptions, cancellationToken)
                ?? throw new InvalidDataException($"{path} holds no candidates");
        }

        await error.WriteLineAsync($"fit-rerank: {name}: retrieving through {gateway}");
        var set = await retrieve(cancellationToken);
        if (path is not null)
        {
            Directory.CreateDirectory(cache!);
            await using var stream = File.Create(path);
            await JsonSerializer.SerializeAsync(stream, set, JsonOptions, cancellationToken);
        }

        return set;
    }

    private static async Task<JudgedSet> RetrieveSciFactAsync(string folder, int limit, string gateway, TextWriter error, CancellationToken cancellationToken)
    {
        var queriesPath = Path.Combine(folder, "queries.jsonl");
        var qrelsPath = Path.Combine(folder, "qrels", "train.tsv");
        var queries = BeirReader.ReadQueries(queriesPath);
        var qrels = BeirReader.ReadQrels(qrelsPath);
        var judged = qrels.Keys.Where(queries.ContainsKey).OrderBy(id => id, StringComparer.Ordinal).Take(limit).ToList();
        using var client = CliApp.Connect(gateway);
        var result = new List<JudgedQuery>();
        foreach (var id in judged)
        {
            var response = await client.RetrieveAsync(queries[id], BeirPassagesPerQuery, withSimilarity: true, cancellationToken: cancellationToken);
            result.Add(new JudgedQuery(id, queries[id], qrels[id], response.Passages.Select(ToCandidate).ToList(), QueryFolds.IsHeldOut(id)));
            await Progress(error, "scifact-train", result.Count, judged.Count);
        }

        return new JudgedSet("scifact-train", SetKind.Beir, [Path.Combine(folder, "corpus.jsonl.gz"), queriesPath, qrelsPath], result);
    }

    private static async Task<JudgedSet> RetrieveSquadAsync(string path, int limit, string gateway, TextWriter error, CancellationToken cancellationToken)
    {
        var questions = SquadReader.ReadFile(path).Questions.Take(limit).ToList();
        using var client = CliApp.Connect(gateway);
        var result = new List<JudgedQuery>();
        foreach (var question in questions)
        {
            var response = await client.RetrieveAsync(question.Question, 20, withSimilarity: true, cancellationToken: cancellationToken);
            result.Add(new JudgedQuery(
                question.Id, question.Question, new Dictionary<string, int> { [question.DocumentId] = 1 }, response.Passages.Select(ToCandidate).ToList(),
                AnswerFolds.Of(question) == AnswerFolds.HeldOut));
            await Progress(error, "squad", result.Count, questions.Count);
        }

        return new JudgedSet("squad", SetKind.Squad, [path], result);
    }

    private static async Task Progress(TextWriter error, string name, int done, int total)
    {
        if (done % 200 == 0 || done == total)
        {
            await error.WriteLineAsync($"fit-rerank: {name}: {done}/{total} queries");
        }
    }

    private static Candidate ToCandidate(Search.Contracts.V1.ScoredPassage p) =>
        new(p.Passage.DocumentId, p.Passage.Text, p.Passage.Title, p.Passage.Ordinal, p.RetrievalScore, p.HasSimilarity ? p.Similarity : null);

    private static PreparedSet Prepare(JudgedSet set, int candidates, int limit)
    {
        var queries = set.Queries.Take(limit).ToList();
        // Each set counts the same in the fit: its fitted queries share a weight of one.
        var weight = 1.0 / Math.Max(1, queries.Count(q => !q.HeldOut));
        return new PreparedSet(set, queries.Select(q =>
        {
            var top = q.Candidates.Take(candidates).ToList();
            var features = FeatureExtractor.Extract(
                Search.Text.TextNormalizer.Normalize(q.Query),
                top.Select(p => new RerankCandidate(p.Text, p.Title, p.Ordinal, p.Bm25, p.Similarity)).ToArray());
            var relevant = top.Select(p => q.Relevant.GetValueOrDefault(p.DocumentId) > 0).ToList();
            return new PreparedQuery(q, top, features, new FitQuery(features, relevant, weight));
        }).ToList());
    }

    private enum SetKind
    {
        Beir,
        Squad,
    }

    private sealed record Candidate(string DocumentId, string Text, string Title, int Ordinal, double Bm25, double? Similarity);

    /// <param name="HeldOut">in the held-out fold (SciFact: <see cref="QueryFolds"/>; SQuAD: <see cref="AnswerFolds"/>), never fitted on</param>
    private sealed record JudgedQuery(string Id, string Query, Dictionary<string, int> Relevant, List<Candidate> Candidates, bool HeldOut);

    private sealed record JudgedSet(string Name, SetKind Kind, List<string> Paths, List<JudgedQuery> Queries);

    private sealed record PreparedQuery(JudgedQuery Source, List<Candidate> Top, RankingFeatures[] Features, FitQuery Fit)
    {
        public bool HeldOut => Source.HeldOut;
    }

    private sealed record PreparedSet(JudgedSet Source, List<PreparedQuery> Queries)
    {
        public PreparedSet Where(Func<PreparedQuery, bool> keep) => this with { Queries = Queries.Where(keep).ToList() };

        /// <summary>
        /// The set's metric when the first candidates are reordered by <paramref name="score"/> (query index, features)
        /// and the rest keep retrieval order: nDCG@10 over documents for BEIR, gold paragraph first (or in the first five) for SQuAD.
        /// </summary>
        public double Score(Func<int, RankingFeatures, double> score, bool top5 = false)
        {
            var total = 0.0;
            for (var qi = 0; qi < Queries.Count; qi++)
            {
                var query = Queries[qi];
                var order = Enumerable.Range(0, query.Top.Count)
                    .OrderByDescending(i => score(qi, query.Features[i]))
                    .ThenBy(i => i)
                    .Select(i => query.Top[i].DocumentId)
                    .Concat(query.Source.Candidates.Skip(query.Top.Count).Select(p => p.DocumentId));
                var ranked = RankingMetrics.DocumentsByBestPassage(order);
                total += Source.Kind == SetKind.Beir
                    ? RankingMetrics.NdcgAt(ranked, query.Source.Relevant, 10)
                    : ranked.Take(top5 ? 5 : 1).Any(d => query.Source.Relevant.ContainsKey(d)) ? 1 : 0;
            }

            return total / Math.Max(1, Queries.Count);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
