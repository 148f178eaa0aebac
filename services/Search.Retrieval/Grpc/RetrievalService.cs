using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Retrieval.Storage;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Retrieval.Grpc;

/// <summary>
/// The retrieval gRPC service over whichever <see cref="IPassageStore"/> is configured. A backend failure
/// that may pass (Elasticsearch overloaded or unreachable) is UNAVAILABLE, so callers retry or degrade.
/// </summary>
public sealed class RetrievalService(IPassageStore store, IOptions<RetrievalOptions> options) : Rpc.Retrieval.RetrievalBase
{
    public override async Task<Rpc.RetrieveResponse> Search(Rpc.RetrieveRequest request, ServerCallContext context)
    {
        // Measured as it arrived: normalising first would do the work the limit is there to bound.
        if (TextLength.Exceeds(request.Query, TextNormalizer.MaxQueryLength))
        {
            ThrowInvalidArgument(TextLength.TooLong("query", request.Query, TextNormalizer.MaxQueryLength));
        }

        var query = TextNormalizer.Normalize(request.Query);
        if (query.Length == 0)
        {
            ThrowInvalidArgument("query is empty");
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

        var detail = request.IdsOnly ? HitDetail.IdsOnly : HitDetail.Highlighted;
        var result = await Call(() => store.SearchAsync(query, ToDomain(request.Language), request.TopK, detail, request.WithSimilarity, context.CancellationToken));
        return ToResponse(result);
    }

    public override async Task<Rpc.IngestResponse> UpsertDocuments(Rpc.UpsertDocumentsRequest request, ServerCallContext context)
    {
        var documents = request.Documents.Select(ToDomain).ToList();
        var result = await Call(() => store.UpsertAsync(documents, 0, context.CancellationToken));
        return ToResponse(result);
    }

    public override async Task<Rpc.IngestResponse> UpsertDocumentStream(IAsyncStreamReader<Rpc.Document> requestStream, ServerCallContext context)
    {
        var documents = requestStream.ReadAllAsync(context.CancellationToken).Select(ToDomain);
        var result = await Call(() => store.UpsertStreamAsync(documents, context.CancellationToken));
        return ToResponse(result);
    }

    public override async Task<Rpc.DeleteDocumentsResponse> DeleteDocuments(Rpc.DeleteDocumentsRequest request, ServerCallContext context)
    {
        var ids = request.DocumentIds.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList();
        var deleted = await Call(() => store.DeleteAsync(ids, context.CancellationToken));
        return new Rpc.DeleteDocumentsResponse { Deleted = deleted };
    }

    public override async Task<Rpc.GetStatsResponse> GetStats(Rpc.GetStatsRequest request, ServerCallContext context)
    {
        var stats = await Call(() => store.GetStatsAsync(context.CancellationToken));
        return new Rpc.GetStatsResponse { Documents = stats.Documents, Passages = stats.Passages, PassagesPendingVectors = stats.PassagesPendingVectors };
    }

    private static async Task<T> Call<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (PassageStoreException e)
        {
            throw new RpcException(new Status(e.Retryable ? StatusCode.Unavailable : StatusCode.Internal, e.Message));
        }
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
        var response = new Rpc.RetrieveResponse
        {
            TotalHits = result.TotalHits,
            // The reranker falls back to lexical features for these; the response says why their similarity is missing.
            PassagesPendingVectors = result.Hits.Count(h => h.Passage.VectorPending),
        };
        foreach (var hit in result.Hits)
        {
            var scored = new Rpc.ScoredPassage
            {
                Passage = ToRpc(hit.Passage),
                Score = hit.Score,
                RetrievalScore = hit.Score,
                // Spans only: they mark the passage's own text, which is not sent twice.
                Highlight = new Rpc.Highlight { Spans = { hit.Highlights.Select(span => new Rpc.TextSpan { Start = span.Start, End = span.End }) } },
            };
            if (hit.Similarity is { } similarity)
            {
                scored.Similarity = similarity;
            }

            scored.Sentences.AddRange(hit.Sentences?.Select(s => new Rpc.SentenceSimilarity
            {
                Range = new Rpc.TextSpan { Start = s.Range.Start, End = s.Range.End },
                Similarity = s.Similarity,
            }) ?? []);

            response.Passages.Add(scored);
        }

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
