using Lucene.Net.Codecs;
using Lucene.Net.Codecs.Compressing;
using Lucene.Net.Codecs.Lucene46;

namespace Search.Retrieval.Indexing;

/// <summary>
/// Lucene 4.6's codec with small compression blocks for stored fields and term vectors. A search reads the stored
/// fields and the term vector of each hit, and Lucene decompresses a hit's whole block to reach it: with the default
/// 16 KiB blocks that was 12.3 ms of CPU for SciFact's 200 hits of a query, and 1.4 ms with 256-byte blocks; the term
/// vectors went from 8.7 ms to 2.8 ms. The index grows by about a quarter (11.1 to 14.1 MiB on SciFact; both measured
/// in process on the 7,626 SciFact passages, 800 queries). Segments written with the default codec stay readable and
/// are rewritten with this one when they merge.
/// </summary>
[CodecName("SearchPassages1")]
public sealed class PassageCodec : FilterCodec
{
    /// <summary>Bytes of stored fields or term vectors compressed together.</summary>
    public const int BlockBytes = 256;

    private static readonly object Registration = new();
    private static bool _registered;

    // The format names are written into every segment: they must never change for indexes already on disk.
    private readonly StoredFieldsFormat _storedFields = new CompressingStoredFieldsFormat("SearchPassagesStored1", CompressionMode.FAST, BlockBytes);
    private readonly TermVectorsFormat _termVectors = new CompressingTermVectorsFormat("SearchPassagesVectors1", "", CompressionMode.FAST, BlockBytes);

    public PassageCodec()
        : base(new Lucene46Codec())
    {
    }

    public override StoredFieldsFormat StoredFieldsFormat => _storedFields;

    public override TermVectorsFormat TermVectorsFormat => _termVectors;

    /// <summary>Lets Lucene find this codec by the name written in a segment; call before any index is opened.</summary>
    public static void Register()
    {
        lock (Registration)
        {
            if (!_registered)
            {
                Codec.SetCodecFactory(new Factory());
                _registered = true;
            }
        }
    }

    private sealed class Factory : DefaultCodecFactory
    {
        protected override void Initialize()
        {
            base.Initialize();
            PutCodecType(typeof(PassageCodec));
        }
    }
}
