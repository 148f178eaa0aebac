using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Answer;
using Search.Answer.Extraction;

namespace Microsoft.Extensions.Hosting;

public static class AnswerExtensions
{
    /// <summary>Registers the answer service's options and domain services.</summary>
    public static IHostApplicationBuilder AddAnswer(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AnswerOptions>(AnswerOptions.SectionName);
        builder.Services.AddSingleton(sp => new AnswerExtractor(sp.GetRequiredService<IOptions<AnswerOptions>>().Value));
        return builder;
    }
}
