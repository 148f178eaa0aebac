using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Retrieval.Grpc;

public sealed class RetrievalService(PassageIndex index, IOptions<RetrievalOptions> options) : Rpc.Retrieval.RetrievalBase
{
    public override Task<Rpc.RetrieveResponse> Search(Rpc.RetrieveRequest request, ServerCallContext context)
    {
        var query = TextNormalizer.Normalize(request.Query);
        if (query.Length == 0)
        {
            ThrowInvalidArgument("query is empty");
        }

        if (query.Length > TextNormalizer.MaxQueryLength)
        {
            ThrowInvalidArgument($"query is longer than {TextNormalizer.MaxQueryLength} characters ({query.Length})");
        }

        var maxTopK = options.Value.MaxTopK;
        if (request.TopK < 0 || request.TopK > maxTopK)
        {
            ThrowInvalidArgument($"top_k must be between 0 (the default, {options.Value.DefaultTopK}) and {maxTopK}; got {request.TopK}");
        }

        if (!Enum.IsDefined(request.Language))
        {
            ThrowInvalidArgument($"language {(int)request.Language} is not known");
        }

        var result = index.Search(query, ToDomain(request.Language), request.TopK);
        return Task.FromResult(ToResponse(result));
    }

    public override Task<Rpc.IngestResponse> UpsertDocuments(Rpc.UpsertDocumentsRequest request, ServerCallContext context)
    {
        var result = index.Upsert(request.Documents.Select(ToDomain).ToList());
        return Task.FromResult(ToResponse(result));
    }

    public override async Task<Rpc.IngestResponse> UpsertDocumentStream(IAsyncStreamReader<Rpc.Document> requestStream, ServerCallContext context)
    {
        var documents = requestStream.ReadAllAsync(context.CancellationToken).Select(ToDomain);
        var result = await index.UpsertStreamAsync(documents, context.CancellationToken);
        return ToResponse(result);
    }

    public override Task<Rpc.DeleteDocumentsResponse> DeleteDocuments(Rpc.DeleteDocumentsRequest request, ServerCallContext context)
    {
        var deleted = index.Delete(request.DocumentIds);
        return Task.FromResult(new Rpc.DeleteDocumentsResponse { Deleted = deleted });
    }

    public override Task<Rpc.GetStatsResponse> GetStats(Rpc.GetStatsRequest request, ServerCallContext context)
    {
        var stats = index.GetStats();
        return Task.FromResult(new Rpc.GetStatsResponse { Documents = stats.Documents, Passages = stats.Passages });
    }

    [DoesNotReturn]
    private static void ThrowInvalidArgument(string message) =>
        throw new RpcException(new Status(StatusCode.InvalidArgument, message));

    private static IngestDocument ToDomain(Rpc.Document document) =>
        new(document.Id, document.Text, document.Title, document.Url, document.Lang, document.UpdatedAtUnixMs);

    private static TextLanguage ToDomain(Rpc.Language language) => language switch
    {
        Rpc.Language.En => TextLanguage.English,
        Rpc.Language.ZhHans => TextLanguage.SimplifiedChinese,
        Rpc.Language.ZhHant => TextLanguage.TraditionalChinese,
        _ => TextLanguage.Unknown,
    };

    private static Rpc.Language ToRpc(TextLanguage language) => language switch
    {
        TextLanguage.English => Rpc.Language.En,
        TextLanguage.SimplifiedChinese => Rpc.Language.ZhHans,
        TextLanguage.TraditionalChinese => Rpc.Language.ZhHant,
        _ => Rpc.Language.Unspecified,
    };

    private static Rpc.RetrieveResponse ToResponse(SearchResult result)
    {
        var response = new Rpc.RetrieveResponse { TotalHits = result.TotalHits };
        response.Passages.AddRange(result.Hits.Select(hit => new Rpc.ScoredPassage
        {
            Passage = ToRpc(hit.Passage),
            Score = hit.Score,
            RetrievalScore = hit.Score,
            Highlight = new Rpc.Highlight
            {
                Text = hit.Passage.Text,
                Spans = { hit.Highlights.Select(span => new Rpc.TextSpan { Start = span.Start, End = span.End }) },
            },
        }));
        return response;
    }

    private static Rpc.Passage ToRpc(Passage passage) => new()
    {
        PassageId = passage.PassageId,
        DocumentId = passage.DocumentId,
        Ordinal = passage.Ordinal,
        Title = passage.Title,
        Url = passage.Url,
        Text = passage.Text,
        Language = ToRpc(passage.Language),
        StartOffset = passage.StartOffset,
        EndOffset = passage.EndOffset,
    };

    private static Rpc.IngestResponse ToResponse(IngestResult result)
    {
        var response = new Rpc.IngestResponse { Accepted = result.Accepted, Passages = result.Passages };
        response.Rejected.AddRange(result.Rejected.Select(r => new Rpc.IngestRejection
        {
            Index = r.Index,
            DocumentId = r.DocumentId,
            Reason = r.Reason,
        }));
        return response;
    }
}
