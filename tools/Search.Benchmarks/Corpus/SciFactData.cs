using Search.Evaluation.Datasets;

namespace Search.Benchmarks.Corpus;

/// <summary>BEIR SciFact read in place: the corpus, every query, and the train judgements.</summary>
public sealed record SciFactData(
    IReadOnlyList<BenchmarkDocument> Documents,
    IReadOnlyDictionary<string, string> Queries,
    IReadOnlyDictionary<string, Dictionary<string, int>> TrainQrels)
{
    public const string FolderName = "beir-scifact";

    /// <summary>Train query ids that have text, in id order.</summary>
    public IReadOnlyList<string> JudgedQueryIds =>
        TrainQrels.Keys.Where(Queries.ContainsKey).Order(StringComparer.Ordinal).ToList();

    /// <summary>Queries without train judgements (the test claims), in id order: used to warm engines up without timing them.</summary>
    public IReadOnlyList<string> UnjudgedQueryIds =>
        Queries.Keys.Where(id => !TrainQrels.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();

    public static SciFactData Read(string dataDirectory)
    {
        var folder = Path.Combine(dataDirectory, FolderName);
        var corpusPath = Path.Combine(folder, "corpus.jsonl.gz");
        if (!File.Exists(corpusPath))
        {
            throw new FileNotFoundException($"BEIR SciFact corpus not found at {corpusPath}", corpusPath);
        }

        var documents = new List<BenchmarkDocument>();
        foreach (var record in BeirReader.ReadCorpus(corpusPath))
        {
            // A benchmark over a silently shortened corpus would not be comparable with anything.
            if (record.Document is not { } document)
            {
                throw new InvalidDataException($"{corpusPath} line {record.LineNumber}: {record.Error}");
            }

            documents.Add(new BenchmarkDocument(document.Id, document.Title, document.Text));
        }

        var queries = BeirReader.ReadQueries(Path.Combine(folder, "queries.jsonl"));
        var qrels = BeirReader.ReadQrels(Path.Combine(folder, "qrels", "train.tsv"));
        return new SciFactData(documents, queries, qrels);
    }
}
