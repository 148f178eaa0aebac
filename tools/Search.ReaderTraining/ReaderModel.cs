using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Search.ReaderTraining;

/// <summary>
/// The MiniLM encoder (BERT: 6 layers, 384 wide, 12 heads, GELU, layer norms after each block) in TorchSharp, with
/// its weights read from the ONNX file, and a span head: two scores per token, "the answer starts here" and "ends
/// here". The forward pass computes what the ONNX graph computes (the parity is tested), so the trained weights
/// can be written back into that graph.
/// </summary>
public sealed class ReaderModel : nn.Module
{
    public const int Width = 384;
    public const int Heads = 12;
    /// <summary>The packaged model's layers; a reader may keep only the first of them (<see cref="LayerCount"/>).</summary>
    public const int Layers = 6;
    private const double LayerNormEpsilon = 1e-12;

    private readonly Dictionary<string, Parameter> _weights = new(StringComparer.Ordinal);
    private readonly Parameter _head;
    private readonly Parameter _headBias;
    private readonly Parameter? _newRows;

    /// <summary>The word-piece embedding table: 30,522 × 384, half the model's weights.</summary>
    public const string WordEmbeddings = "embeddings.word_embeddings.weight";

    /// <summary>The token type table: question 0, context 1 (and, when the reader marks matches, 2).</summary>
    public const string TokenTypes = "embeddings.token_type_embeddings.weight";

    /// <param name="frozen">weights that keep their packaged values (no gradient, not written back as changed)</param>
    /// <param name="newRows">word pieces added to the vocabulary (<see cref="WordPieces"/> ids from 30,522 on): their
    /// embedding rows start as <c>[UNK]</c>'s (what the model read for them before) plus noise, and learn</param>
    /// <param name="newRowsNoise">the deviation of that noise: small, the new pieces start alike; as large as the
    /// packaged rows spread, the encoder can tell them apart (and match a question's character to the text's) at once</param>
    /// <param name="unknown">the id of <c>[UNK]</c></param>
    /// <param name="layers">the packaged layers kept, from the first: fewer layers read in proportionally less time</param>
    /// <param name="marksMatches">the token type table gets a third row, for context pieces the question holds too
    /// (<see cref="ReaderWindows.MatchedType"/>): it starts as the context's row plus a little noise, and learns</param>
    public ReaderModel(MiniLmWeights weights, int seed, double dropout = 0.1, IReadOnlySet<string>? frozen = null, int newRows = 0, int unknown = 100, int layers = Layers, double newRowsNoise = DefaultNewRowsNoise, bool marksMatches = false) : base(nameof(ReaderModel))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layers, Layers);
        Dropout = dropout;
        LayerCount = layers;
        Frozen = frozen ?? new HashSet<string>();
        foreach (var (name, shape) in weights.Names.Where(w => !w.Name.StartsWith("pooler.", StringComparison.Ordinal) && MiniLmWeights.LayerOf(w.Name) < layers))
        {
            var values = tensor(weights.Read(name), shape);
            if (marksMatches && name == TokenTypes)
            {
                using var generator = new Generator((ulong)seed + 2);
                values = cat([values, values[1].unsqueeze(0) + normal(0, DefaultNewRowsNoise, [1, Width], generator: generator)], 0);
            }

            var parameter = new Parameter(values, requires_grad: !Frozen.Contains(name));
            _weights[name] = parameter;
            register_parameter(name.Replace('.', '_'), parameter);
        }

        // The head starts small and random (BERT's initialisation: normal, deviation 0.02), the bias at zero.
        using (var generator = new Generator((ulong)seed))
        {
            _head = new Parameter(normal(0, 0.02, [Width, 2], generator: generator));
        }

        _headBias = new Parameter(zeros(2));
        register_parameter("qa_outputs_weight", _head);
        register_parameter("qa_outputs_bias", _headBias);
        if (newRows > 0)
        {
            using var generator = new Generator((ulong)seed + 1);
            var start = W(WordEmbeddings).detach()[unknown].unsqueeze(0).expand(newRows, Width);
            _newRows = new Parameter(start + normal(0, newRowsNoise, [newRows, Width], generator: generator));
            register_parameter("new_word_rows", _newRows);
        }
    }

    public const double DefaultNewRowsNoise = 0.02;

    public double Dropout { get; }

    /// <summary>The encoder layers this reader runs (the first of the packaged ones).</summary>
    public int LayerCount { get; }

    public IReadOnlySet<string> Frozen { get; }

    /// <summary>The weights that learn.</summary>
    public IEnumerable<Parameter> Trainable => parameters().Where(p => p.requires_grad);

    /// <summary>The weights that learn, the new word rows apart.</summary>
    public IEnumerable<Parameter> Encoder => Trainable.Where(p => !ReferenceEquals(p, _newRows));

    /// <summary>The embedding rows of the word pieces added to the vocabulary, if any.</summary>
    public Parameter? NewRows => _newRows;

    /// <summary>Start and end scores, [batch, sequence] each.</summary>
    public (Tensor Start, Tensor End) Forward(Tensor ids, Tensor types, Tensor mask)
    {
        var logits = Hidden(ids, types, mask).matmul(_head) + _headBias;
        var parts = logits.unbind(-1);
        return (parts[0], parts[1]);
    }

    /// <summary>The last hidden state, [batch, sequence, 384]: the ONNX graph's <c>last_hidden_state</c>.</summary>
    public Tensor Hidden(Tensor ids, Tensor types, Tensor mask)
    {
        var sequence = ids.shape[1];
        var positions = arange(sequence, dtype: ScalarType.Int64).unsqueeze(0);
        var x = WordTable()[ids]
            + W(TokenTypes)[types]
            + W("embeddings.position_embeddings.weight")[positions];
        x = Norm(x, "embeddings.LayerNorm");
        x = F.dropout(x, Dropout, training);

        // Padding gets -10000 before the softmax, as in the graph.
        var blocked = (1 - mask.to_type(ScalarType.Float32)).unsqueeze(1).unsqueeze(2) * -10000f;
        for (var layer = 0; layer < LayerCount; layer++)
        {
            x = Block(x, blocked, $"encoder.layer.{layer}.");
        }

        return x;
    }

    /// <summary>
    /// Every trained weight by its ONNX name (the head and frozen weights apart), to write back; the word-piece table
    /// with its new rows when the vocabulary grew.
    /// </summary>
    public Dictionary<string, float[]> EncoderWeights()
    {
        var written = _weights.Where(p => !Frozen.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value.detach().cpu().data<float>().ToArray(), StringComparer.Ordinal);
        if (_newRows is not null)
        {
            using var table = WordTable().detach();
            written[WordEmbeddings] = table.data<float>().ToArray();
        }

        return written;
    }

    /// <summary>The word-piece table the encoder reads, with the added rows after the packaged ones.</summary>
    public Tensor WordTable() => _newRows is null ? W(WordEmbeddings) : cat([W(WordEmbeddings), _newRows], 0);

    public (float[] Head, float[] Bias) HeadWeights() => (_head.detach().data<float>().ToArray(), _headBias.detach().data<float>().ToArray());

    private Tensor Block(Tensor x, Tensor blocked, string prefix)
    {
        long batch = x.shape[0], sequence = x.shape[1];
        Tensor SplitHeads(Tensor t) => t.view(batch, sequence, Heads, Width / Heads).transpose(1, 2);

        var query = SplitHeads(Linear(x, prefix + "attention.self.query"));
        var key = SplitHeads(Linear(x, prefix + "attention.self.key"));
        var value = SplitHeads(Linear(x, prefix + "attention.self.value"));
        var scores = query.matmul(key.transpose(-1, -2)) / Math.Sqrt(Width / Heads) + blocked;
        var attention = F.dropout(F.softmax(scores, -1), Dropout, training);
        var context = attention.matmul(value).transpose(1, 2).reshape(batch, sequence, Width);
        var attended = Norm(F.dropout(Linear(context, prefix + "attention.output.dense"), Dropout, training) + x, prefix + "attention.output.LayerNorm");
        var inner = F.gelu(Linear(attended, prefix + "intermediate.dense"));
        return Norm(F.dropout(Linear(inner, prefix + "output.dense"), Dropout, training) + attended, prefix + "output.LayerNorm");
    }

    private Tensor Linear(Tensor x, string name) => x.matmul(W(name + ".weight")) + W(name + ".bias");

    private Tensor Norm(Tensor x, string name) =>
        F.layer_norm(x, [Width], W(name + ".weight"), W(name + ".bias"), LayerNormEpsilon);

    private Parameter W(string name) => _weights[name];
}
