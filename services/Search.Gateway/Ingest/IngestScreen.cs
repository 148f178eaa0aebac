using Search.Gateway.Caching;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Ingest;

/// <summary>
/// The gateway's check of one ingest (a REST body, a gRPC batch or stream) with the shared <see cref="DocumentRules"/>:
/// a refused item is rejected here with its reason and never reaches retrieval, which checks the same rules again.
/// It numbers the items as the caller sent them and maps retrieval's answer, which numbers only what it was sent, back.
/// </summary>
public sealed class IngestScreen
{
    private readonly List<int> _forwardedItems = [];
    private readonly List<Rpc.IngestRejection> _rejected = [];

    /// <summary>Ids of the documents forwarded to retrieval: what the cache must forget, whatever the outcome.</summary>
    public List<string> ForwardedIds { get; } = [];

    /// <summary>The terms of the documents forwarded to retrieval: the cache forgets the answers to questions holding one.</summary>
    public WrittenTerms ForwardedTerms { get; } = new();

    /// <summary>Items seen so far, refused or not.</summary>
    public int Items { get; private set; }

    /// <summary>The gateway's own reason to refuse <paramref name="document"/>, or null. Text length is retrieval's setting.</summary>
    public static string? Problem(Rpc.Document document) =>
        DocumentRules.Problem(document.Id, document.Text, document.Title, document.Url, maxTextCharacters: int.MaxValue);

    /// <summary>Counts <paramref name="document"/> as the next item; true when it may go to retrieval, else it is rejected here.</summary>
    public bool Admit(Rpc.Document document)
    {
        var item = Items++;
        if (Problem(document) is { } problem)
        {
            _rejected.Add(new Rpc.IngestRejection { Index = item, DocumentId = DocumentRules.Preview(document.Id), Reason = problem });
            return false;
        }

        _forwardedItems.Add(item);
        ForwardedIds.Add(document.Id);
        ForwardedTerms.Add(document.Title, document.Text);
        return true;
    }

    /// <summary>Counts an item that is not a document at all (a line that is not JSON) as rejected.</summary>
    public void Reject(string reason) =>
        _rejected.Add(new Rpc.IngestRejection { Index = Items++, Reason = reason });

    /// <summary>Retrieval's answer for the forwarded documents, with every item numbered as sent and the gateway's rejections in order.</summary>
    public Rpc.IngestResponse Answer(Rpc.IngestResponse? fromRetrieval)
    {
        var response = fromRetrieval ?? new Rpc.IngestResponse();
        foreach (var rejection in response.Rejected)
        {
            rejection.Index = _forwardedItems[rejection.Index];
        }

        var all = response.Rejected.Concat(_rejected).OrderBy(r => r.Index).ToList();
        response.Rejected.Clear();
        response.Rejected.AddRange(all);
        return response;
    }
}
