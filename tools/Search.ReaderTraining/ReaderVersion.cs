using System.Globalization;

namespace Search.ReaderTraining;

/// <summary>
/// The version a trained reader carries in its metadata: the day, what it reads and how, and whatever makes two readers
/// of one day differ (languages, negatives, marked matches, epochs other than the default, folds, seed). A reader confidence belongs to one
/// version, and the answer service can hold a reader per language, so two different readers must not share one.
/// </summary>
public static class ReaderVersion
{
    public static string Of(
        DateTime day, string scope, int maxTokens, int layers, IReadOnlyList<string> languages, int negatives, IReadOnlyCollection<int> folds, int seed,
        int epochs = TrainingSettings.DefaultEpochs, bool marksMatches = false) =>
        string.Create(CultureInfo.InvariantCulture,
            $"minilm-span-{day:yyyyMMdd}-{scope.ToLowerInvariant()}{maxTokens}{(layers < ReaderModel.Layers ? $"-l{layers}" : "")}"
            + $"-{string.Concat(languages)}{(negatives > 0 ? $"-neg{negatives}" : "")}{(marksMatches ? "-match" : "")}{(epochs != TrainingSettings.DefaultEpochs ? $"-e{epochs}" : "")}"
            + $"{(folds.Order().SequenceEqual([0, 1, 2]) ? "" : $"-folds{string.Concat(folds.Order())}")}-seed{seed}");
}
