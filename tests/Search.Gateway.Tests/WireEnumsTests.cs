using Search.Gateway.Grpc;
using Search.Gateway.Pipeline;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>Every wire enum value maps to the gateway's own by name and back unchanged; values either side does not know are handled.</summary>
public sealed class WireEnumsTests
{
    [Fact]
    public void EveryLanguageMapsAndMapsBack()
    {
        Assert.All(Enum.GetValues<Rpc.Language>(), wire => Assert.Equal(wire, wire.ToGateway().ToWire()));
        Assert.All(Enum.GetValues<TextLanguage>(), own => Assert.Equal(own, own.ToWire().ToGateway()));
        Assert.Equal(TextLanguage.TraditionalChinese, Rpc.Language.ZhHant.ToGateway());
    }

    [Fact]
    public void EveryIntentMapsAndMapsBack()
    {
        Assert.All(Enum.GetValues<Rpc.Intent>(), wire => Assert.Equal(wire, wire.ToGateway().ToWire()));
        Assert.All(Enum.GetValues<QueryIntent>(), own => Assert.Equal(own, own.ToWire().ToGateway()));
        Assert.Equal(QueryIntent.Navigational, Rpc.Intent.Navigational.ToGateway());
    }

    [Fact]
    public void EveryAnswerTypeMapsAndMapsBack()
    {
        Assert.All(Enum.GetValues<Rpc.AnswerType>(), wire => Assert.Equal(wire, wire.ToGateway().ToWire()));
        Assert.All(Enum.GetValues<ExpectedAnswer>(), own => Assert.Equal(own, own.ToWire().ToGateway()));
        Assert.Equal(ExpectedAnswer.None, Rpc.AnswerType.Unspecified.ToGateway());
        Assert.Equal(Rpc.AnswerType.Place, ExpectedAnswer.Place.ToWire());
    }

    [Fact]
    public void EveryAnswerKindMapsAndMapsBack()
    {
        Assert.All(Enum.GetValues<Rpc.AnswerKind>(), wire => Assert.Equal(wire, wire.ToGateway().ToWire()));
        Assert.All(Enum.GetValues<AnswerKind>(), own => Assert.Equal(own, own.ToWire().ToGateway()));
        Assert.Equal(AnswerKind.Sentence, Rpc.AnswerKind.Sentence.ToGateway());
    }

    [Fact]
    public void AWireValueFromANewerPeerReadsAsNotSpecified()
    {
        Assert.Equal(TextLanguage.Unknown, ((Rpc.Language)99).ToGateway());
        Assert.Equal(QueryIntent.Unspecified, ((Rpc.Intent)99).ToGateway());
        Assert.Equal(ExpectedAnswer.None, ((Rpc.AnswerType)99).ToGateway());
        Assert.Equal(AnswerKind.Unspecified, ((Rpc.AnswerKind)99).ToGateway());
    }

    [Fact]
    public void AGatewayValueWithNoWireNameThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((TextLanguage)99).ToWire());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((QueryIntent)99).ToWire());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ExpectedAnswer)99).ToWire());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((AnswerKind)99).ToWire());
    }
}
