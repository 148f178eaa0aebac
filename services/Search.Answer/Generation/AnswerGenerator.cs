using System.ClientModel;
using System.Text;
using Microsoft.Extensions.AI;

namespace Search.Answer.Generation;

/// <summary>What generation produced: the text (possibly partial), its citations, and why it is not shown (empty when it is).</summary>
public sealed record GenerationOutcome(string Text, IReadOnlyList<CitedPassage> Citations, string FallbackReason)
{
    public bool Shown => FallbackReason.Length == 0;

    public static GenerationOutcome Fallback(string reason, string text = "") => new(text, [], reason);
}

/// <summary>
/// Asks the configured chat model for an answer drawn only from the numbered passages, hands each
/// piece of text on as it arrives, and checks the citations of the whole. Any failure (not
/// configured, timeout, error, empty text, bad citations) is an outcome with a reason, never an
/// exception: the caller then shows the extractive answer. At most <see cref="LlmOptions.MaxConcurrentCalls"/> model
/// calls run at once; past that a request falls back at once instead of queueing.
/// </summary>
public sealed class AnswerGenerator(IChatClient? chat, LlmOptions options, ILogger<AnswerGenerator> logger) : IDisposable
{
    private readonly SemaphoreSlim _calls = new(Math.Max(1, options.MaxConcurrentCalls), Math.Max(1, options.MaxConcurrentCalls));

    /// <summary>Model calls running now.</summary>
    public int Running => Math.Max(1, options.MaxConcurrentCalls) - _calls.CurrentCount;

    public void Dispose() => _calls.Dispose();

    public async Task<GenerationOutcome> GenerateAsync(
        string question,
        IReadOnlyList<GroundingPassage> passages,
        Func<string, CancellationToken, Task> onToken,
        CancellationToken ct)
    {
        if (chat is null)
        {
            return GenerationOutcome.Fallback($"generation is not configured ({LlmOptions.SectionName}:{nameof(LlmOptions.Endpoint)} is empty)");
        }

        if (passages.Count == 0)
        {
            return GenerationOutcome.Fallback("there are no passages to answer from");
        }

        if (!_calls.Wait(0, CancellationToken.None))
        {
            return GenerationOutcome.Fallback(
                $"{options.MaxConcurrentCalls} model calls are running already ({LlmOptions.SectionName}:{nameof(LlmOptions.MaxConcurrentCalls)})");
        }

        try
        {
            return await CallModelAsync(chat, question, passages, onToken, ct);
        }
        finally
        {
            _calls.Release();
        }
    }

    private async Task<GenerationOutcome> CallModelAsync(
        IChatClient chat, string question, IReadOnlyList<GroundingPassage> passages, Func<string, CancellationToken, Task> onToken, CancellationToken ct)
    {
        var given = passages.Take(options.MaxPassages).ToList();
        var messages = GroundedPrompt.Build(question, given, options.MaxPassageChars);
        var chatOptions = new ChatOptions
        {
            ModelId = options.Model,
            MaxOutputTokens = options.MaxOutputTokens,
            Temperature = (float)options.Temperature,
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.TimeoutMs);
        var text = new StringBuilder();
        try
        {
            await foreach (var update in chat.GetStreamingResponseAsync(messages, chatOptions, timeout.Token))
            {
                var piece = update.Text;
                if (piece.Length == 0)
                {
                    continue;
                }

                text.Append(piece);
                await onToken(piece, ct);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Generation timed out after {TimeoutMs} ms with {Chars} characters", options.TimeoutMs, text.Length);
            return GenerationOutcome.Fallback($"the model did not finish within {options.TimeoutMs} ms", text.ToString());
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            var what = e is ClientResultException { Status: > 0 } http ? $"HTTP {http.Status}" : e.GetType().Name;
            logger.LogWarning(e, "Generation failed: {What}", what);
            return GenerationOutcome.Fallback($"the model call failed ({what})", text.ToString());
        }

        var answer = text.ToString().Trim();
        var check = CitationCheck.Check(answer, given);
        return check.Valid
            ? new GenerationOutcome(answer, check.Citations, "")
            : new GenerationOutcome(answer, [], check.Problem);
    }
}
