using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Search.Evaluation.Synthetic;

/// <summary>A written notice: its document and its questions, each with its answer and where it starts, or none.</summary>
public sealed record Notice(string Id, string Kind, string Language, string Title, string Url, string Context, IReadOnlyList<NoticeQuestion> Questions);

/// <summary>A question about a notice; <see cref="Answer"/> is null when the notice does not say (SQuAD 2.0 "is_impossible").</summary>
public sealed record NoticeQuestion(string Id, string Question, string? Answer, int AnswerStart);

/// <summary>
/// Writes synthetic fresh notices (<see cref="NoticeKinds"/>) with questions, as training data for the answer model: the
/// short, unique, subject-first documents people publish, which the benchmark sets (Wikipedia paragraphs) do not teach.
/// Each notice names its subject, then states four of its kind's six facts in a random order; four questions ask
/// those facts and one asks a fact the notice leaves out (it names the notice's subject, so retrieval finds the
/// notice and only the answer stage can tell that the answer is not there). The same seed writes the same file.
/// </summary>
public static partial class NoticeWriter
{
    public const int FactsStated = 4;

    /// <summary><paramref name="perKind"/> notices of every kind in every language.</summary>
    public static IReadOnlyList<Notice> Write(int perKind, int seed)
    {
        var random = new Random(seed);
        var notices = new List<Notice>();
        HashSet<string> answered = new(StringComparer.Ordinal), unanswered = new(StringComparer.Ordinal);
        foreach (var kind in NoticeKinds.All)
        {
            foreach (var language in NoticeKinds.Languages)
            {
                for (var i = 0; i < perKind; i++)
                {
                    var id = $"notice-{kind.Name}-{language.ToLowerInvariant()}-{i + 1:000}";
                    notices.Add(Unlike(answered, unanswered, () => One(kind, language, id, random)));
                }
            }
        }

        return notices;
    }

    /// <summary>
    /// A notice that states no fact an earlier one leaves unanswered and leaves none unanswered that an earlier one states:
    /// names are coined from few syllables and characters, and a twin in the other script ("雲嘉杯決賽" beside "云嘉杯决赛")
    /// would answer the question this one leaves out. An unanswerable question must be unanswerable in the whole file.
    /// </summary>
    private static Notice Unlike(HashSet<string> answered, HashSet<string> unanswered, Func<(Notice Notice, IReadOnlyList<string> Answers, string Unanswered)> write)
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var (notice, answers, left) = write();
            if (!answered.Contains(left) && !answers.Any(unanswered.Contains))
            {
                answered.UnionWith(answers);
                unanswered.Add(left);
                return notice;
            }
        }

        throw new InvalidOperationException("too many notices of one kind for the names the writer can coin: ask for fewer per kind");
    }

    private static (Notice Notice, IReadOnlyList<string> Answers, string Unanswered) One(NoticeKind kind, string language, string id, Random random)
    {
        var text = kind.Languages[language];
        var slots = new NoticeSlots(kind, language, random);
        var separator = language == NoticeKinds.English ? " " : "";
        var facts = text.Facts.OrderBy(_ => random.Next()).ToList();
        var stated = facts.Take(FactsStated).ToList();
        var left = facts.Skip(FactsStated).ToList();

        var context = new StringBuilder(Render(text.Subject, slots, null).Text);
        var questions = new List<NoticeQuestion>();
        foreach (var fact in stated)
        {
            context.Append(separator);
            var (sentence, answerAt) = Render(fact.Sentence, slots, fact.Answer);
            var start = context.Length + answerAt;
            context.Append(sentence);
            var answer = context.ToString(start, slots[fact.Answer].Length); // as written, capital included
            questions.Add(new NoticeQuestion($"{id}/q{questions.Count + 1}", Render(fact.Question, slots, null).Text, answer, start));
        }

        var unasked = left[random.Next(left.Count)];
        questions.Add(new NoticeQuestion($"{id}/x1", Render(unasked.Question, slots, null).Text, null, -1));
        var notice = new Notice(id, kind.Name, language, Render(text.Title, slots, null).Text, $"https://notices.example/{id}", context.ToString(), questions);
        // A fact is known by what its question names ("雲嘉杯決賽有多少名觀眾？": the cup's crowd), alike in both Chinese scripts.
        var group = language == NoticeKinds.English ? "en" : "zh";
        string Key(NoticeFact fact) => $"{group}:{kind.Name}:{fact.Answer}:{slots.Identity(Slots(fact.Question))}";
        return (notice, stated.Select(Key).ToList(), Key(unasked));
    }

    /// <summary>The slot names of <paramref name="template"/> ("{org} is hiring: {role}" → org, role), in order.</summary>
    internal static IEnumerable<string> Slots(string template) => Slot().Matches(template).Select(m => m.Groups[1].Value);

    /// <summary><paramref name="template"/> with its slots filled, and where the slot <paramref name="answer"/> starts in it (-1 without one).</summary>
    private static (string Text, int AnswerAt) Render(string template, NoticeSlots slots, string? answer)
    {
        var text = new StringBuilder();
        var answerAt = -1;
        var last = 0;
        foreach (Match slot in Slot().Matches(template))
        {
            text.Append(template, last, slot.Index - last);
            var name = slot.Groups[1].Value;
            if (name == answer && answerAt < 0)
            {
                answerAt = text.Length;
            }

            text.Append(slots[name]);
            last = slot.Index + slot.Length;
        }

        text.Append(template, last, template.Length - last);
        return (Capitalised(text.ToString()), answerAt);
    }

    // A sentence starts with a capital even when a slot ("bookkeeper", "pottery") begins it.
    private static string Capitalised(string text) => text.Length > 0 && char.IsLower(text[0]) ? char.ToUpperInvariant(text[0]) + text[1..] : text;

    /// <summary>The notices as a SQuAD 2.0 file (one article per notice, with "lang" and "url"), which ingest and train answer read.</summary>
    public static void WriteSquad(IReadOnlyList<Notice> notices, Stream output, string source)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("version", "v2.0");
        json.WriteString("source", source);
        json.WriteStartArray("data");
        foreach (var notice in notices)
        {
            json.WriteStartObject();
            json.WriteString("title", notice.Title);
            json.WriteString("lang", notice.Language);
            json.WriteString("url", notice.Url);
            json.WriteStartArray("paragraphs");
            json.WriteStartObject();
            json.WriteString("id", notice.Id);
            json.WriteString("context", notice.Context);
            json.WriteStartArray("qas");
            foreach (var question in notice.Questions)
            {
                json.WriteStartObject();
                json.WriteString("id", question.Id);
                json.WriteString("question", question.Question);
                json.WriteStartArray("answers");
                if (question.Answer is { } answer)
                {
                    json.WriteStartObject();
                    json.WriteString("text", answer);
                    json.WriteNumber("answer_start", question.AnswerStart);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteBoolean("is_impossible", question.Answer is null);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    [GeneratedRegex(@"\{([a-z]+2?)\}")]
    private static partial Regex Slot();
}
