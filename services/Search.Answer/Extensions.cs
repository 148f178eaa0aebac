using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Answer;
using Search.Reading;

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
        builder.Services.AddSingleton(sp => new AnswerExtractor(sp.GetRequiredService<IOptions<ReaderOptions>>().Value, model));
        builder.Services.AddWarmUp<ReaderWarmUp>();
        builder.AddGeneration();
        return builder;
    }
}
