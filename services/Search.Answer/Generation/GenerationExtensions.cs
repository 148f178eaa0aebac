using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using Search.Answer.Generation;

namespace Microsoft.Extensions.Hosting;

public static class GenerationExtensions
{
    /// <summary>
    /// Registers grounded generation: its validated options and an <see cref="AnswerGenerator"/> that
    /// talks to the configured OpenAI-compatible endpoint, or falls back at once when none is set.
    /// </summary>
    public static IHostApplicationBuilder AddGeneration(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<LlmOptions>(LlmOptions.SectionName);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            return new AnswerGenerator(options.Enabled ? CreateChatClient(options) : null, options, sp.GetRequiredService<ILogger<AnswerGenerator>>());
        });
        return builder;
    }

    private static IChatClient CreateChatClient(LlmOptions options)
    {
        var client = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.Endpoint!),
            // The answer has a deadline and an extractive fallback: a retry would only make the person wait longer.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromMilliseconds(options.TimeoutMs),
        };

        // Local OpenAI-compatible servers take any key; the client library insists on one.
        var key = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "none" : options.ApiKey);
        return new ChatClient(options.Model, key, client).AsIChatClient();
    }
}
