using System.Text;
using Microsoft.Extensions.AI;

namespace Search.Answer.Generation;

/// <summary>A passage given to the model; its position in the list is the n of "[n]" (from 1).</summary>
public sealed record GroundingPassage(string PassageId, string DocumentId, string Title, string Text);

/// <summary>The messages that ask for an answer drawn only from numbered passages, cited as [n].</summary>
public static class GroundedPrompt
{
    public const string Instructions =
        "You answer a search question using only the numbered passages you are given. " +
        "Write one to three plain sentences in the language of the question. " +
        "After each statement put the number of the passage it comes from in square brackets, like [1] or [2][3]. " +
        "Use nothing you know from elsewhere. If the passages do not answer the question, say so in one sentence without a citation. " +
        "Write plain text only: no markup, no lists, no links.";

    public static IList<ChatMessage> Build(string question, IReadOnlyList<GroundingPassage> passages, int maxPassageChars)
    {
        var user = new StringBuilder();
        user.Append("Passages:\n");
        for (var i = 0; i < passages.Count; i++)
        {
            var p = passages[i];
            var text = p.Text.Length > maxPassageChars ? p.Text[..maxPassageChars] : p.Text;
            user.Append('[').Append(i + 1).Append("] ");
            if (p.Title.Length > 0)
            {
                user.Append(p.Title).Append(": ");
            }

            user.Append(text.ReplaceLineEndings(" ")).Append('\n');
        }

        user.Append("\nQuestion: ").Append(question);
        return [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, user.ToString())];
    }
}
