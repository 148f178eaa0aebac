using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Answer;
using Search.Reading;
using Search.Reading.Neural;

namespace Microsoft.Extensions.Hosting;

public static class AnswerExtensions
{
    /// <summary>Registers the answer service's options and domain services.</summary>
    public static IHostApplicationBuilder AddAnswer(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ReaderOptions>(ReaderOptions.SectionName);
        // The model loads now so that a missing or stale file stops the service at start, with the reason.
        var modelPath = builder.Configuration[$"{ReaderOptions.SectionName}:{nameof(ReaderOptions.ModelPath)}"];
        var model = string.IsNullOrWhiteSpace(modelPath) ? AnswerModel.LoadDefault() : AnswerModel.Load(modelPath);
        builder.Services.AddSingleton(model);
        // So do the span readers, when they are on (a missing file is an error, not a silent fallback).
        var section = builder.Configuration.GetSection(ReaderOptions.SectionName);
        NeuralReader? reader = null;
        var byLanguage = new Dictionary<string, NeuralReader>(StringComparer.Ordinal);
        if (section.GetValue(nameof(ReaderOptions.NeuralReader), defaultValue: true))
        {
            var window = section.GetValue<int?>(nameof(ReaderOptions.NeuralReaderWindow));
            reader = NeuralReader.Load(section[nameof(ReaderOptions.NeuralReaderPath)] is { Length: > 0 } path ? path : NeuralReader.ShippedPath, window);
            foreach (var entry in section.GetSection(nameof(ReaderOptions.NeuralReaderPaths)).GetChildren().Where(e => e.Value is { Length: > 0 }))
            {
                byLanguage[entry.Key] = NeuralReader.LoadFor(entry.Key, entry.Value!, window);
            }
        }

        builder.Services.AddSingleton(sp => new AnswerExtractor(sp.GetRequiredService<IOptions<ReaderOptions>>().Value, model, reader, byLanguage));
        builder.Services.AddWarmUp<ReaderWarmUp>();
        builder.AddGeneration();
        return builder;
    }
}
