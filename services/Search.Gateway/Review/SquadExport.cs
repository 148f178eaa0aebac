using System.Text;
using System.Text.Json;

namespace Search.Gateway.Review;

/// <summary>
/// The reviewed cases as a SQuAD 2.0-format file, one article per action so each keeps its own source: a confirmed or
/// corrected answer is a question with its answer in its passage (a written correction's passage is the written
/// text); a blocked passage, for a query with no confirmed or corrected answer, is the question marked
/// <c>is_impossible</c> over that passage. Articles carry <c>lang</c> and <c>url</c>, and paragraphs an <c>id</c>
/// unique per action, as the team's readers take them (ingest --format squad, eval squad, train answer).
/// </summary>
public sealed record SquadExport(string Json, int Answered, int Impossible)
{
    public const string Version = "search-review-1";

    public static SquadExport Of(IReadOnlyList<ReviewAction> inEffect)
    {
        var answeredQueries = inEffect
            .Where(a => a.Submission.Kind is ReviewActionKind.Confirm or ReviewActionKind.Correct)
            .Select(a => a.Submission.Query)
            .ToHashSet(StringComparer.Ordinal);
        var answered = 0;
        var impossible = 0;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            // A file for tools and people, never embedded in HTML: Chinese text and quotes stay readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            json.WriteStartObject();
            json.WriteString("version", Version);
            json.WriteStartArray("data");
            foreach (var action in inEffect)
            {
                var s = action.Submission;
                var isAnswer = s.Kind is ReviewActionKind.Confirm or ReviewActionKind.Correct;
                if (s.Passage is not { } passage || (!isAnswer && (s.Kind != ReviewActionKind.Block || answeredQueries.Contains(s.Query))))
                {
                    continue;
                }

                json.WriteStartObject();
                json.WriteString("title", passage.Title.Length > 0 ? passage.Title : "reviewed");
                json.WriteString("lang", passage.Language);
                json.WriteString("url", passage.Url);
                json.WriteStartArray("paragraphs");
                json.WriteStartObject();
                json.WriteString("id", $"review-{action.Id}");
                json.WriteString("context", passage.Text);
                json.WriteStartArray("qas");
                json.WriteStartObject();
                json.WriteString("id", action.Id);
                json.WriteString("question", s.Query);
                json.WriteString("review", s.Kind.Name());
                json.WriteStartArray("answers");
                if (isAnswer)
                {
                    json.WriteStartObject();
                    json.WriteString("text", s.Answer);
                    json.WriteNumber("answer_start", s.AnswerStart);
                    json.WriteEndObject();
                    answered++;
                }
                else
                {
                    impossible++;
                }

                json.WriteEndArray();
                json.WriteBoolean("is_impossible", !isAnswer);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return new SquadExport(Encoding.UTF8.GetString(buffer.ToArray()), answered, impossible);
    }
}
