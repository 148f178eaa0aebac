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
        // So does the span reader, when it is on (a missing file is an error, not a silent fallback).
        var section = builder.Configuration.GetSection(ReaderOptions.SectionName);
        var reader = section.GetValue(nameof(ReaderOptions.NeuralReader), defaultValue: true)
            ? NeuralReader.Load(
                section[nameof(ReaderOptions.NeuralReaderPath)] is { Length: > 0 } path ? path : NeuralReader.ShippedPath,
                section.GetValue<int?>(nameof(ReaderOptions.NeuralReaderWindow)))
            : null;
        builder.Services.AddSingleton(sp => new AnswerExtractor(sp.GetRequiredService<IOptions<ReaderOptions>>().Value, model, reader));
        builder.Services.AddWarmUp<ReaderWarmUp>();
        builder.AddGeneration();
        return builder;
    }
}
