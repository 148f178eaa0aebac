using Search.Evaluation;

namespace Search.Evaluation.Tests;

public sealed class AnswerMetricsTests
{
    [Fact]
    public void EnglishNormalisationDropsCaseArticlesPunctuationAndExtraSpace()
    {
        Assert.Equal("eiffel tower", AnswerMetrics.NormalizeEnglish("  The Eiffel   Tower! "));
        Assert.Equal("us army", AnswerMetrics.NormalizeEnglish("the U.S. Army"));
        Assert.Equal("apple pie", AnswerMetrics.NormalizeEnglish("an apple, a pie"));
    }

    [Fact]
    public void ExactMatchIgnoresArticlesAndCase()
    {
        Assert.Equal(1, AnswerMetrics.ExactMatch("The Eiffel Tower", ["eiffel tower"], chinese: false));
        Assert.Equal(0, AnswerMetrics.ExactMatch("Eiffel", ["eiffel tower"], chinese: false));
    }

    [Fact]
    public void ExactMatchTakesTheBestGoldAnswer()
    {
        Assert.Equal(1, AnswerMetrics.ExactMatch("Denver", ["Denver Broncos", "denver"], chinese: false));
    }

    [Fact]
    public void F1CountsOverlappingTokens()
    {
        // prediction: denver broncos team (3 tokens); gold: denver broncos (2); 2 shared.
        // P = 2/3, R = 1, F1 = 2 * (2/3) / (5/3) = 0.8
        Assert.Equal(0.8, AnswerMetrics.F1("Denver Broncos team", ["the Denver Broncos"], chinese: false), 6);
    }

    [Fact]
    public void F1IsTheMaximumOverGoldAnswers()
    {
        // Against "carolina panthers" nothing overlaps; against "panthers" P = 1/2, R = 1, F1 = 2/3.
        Assert.Equal(2.0 / 3, AnswerMetrics.F1("the Panthers team", ["Carolina", "Panthers"], chinese: false), 6);
    }

    [Fact]
    public void F1CountsRepeatedTokensOnlyAsOftenAsTheyOccur()
    {
        // prediction: new new york (3); gold: new york (2); shared: new, york = 2. P = 2/3, R = 1, F1 = 0.8
        Assert.Equal(0.8, AnswerMetrics.F1("new new york", ["New York"], chinese: false), 6);
    }

    [Fact]
    public void EmptyPredictionScoresZero()
    {
        Assert.Equal(0, AnswerMetrics.ExactMatch("", ["Paris"], chinese: false));
        Assert.Equal(0, AnswerMetrics.F1("", ["Paris"], chinese: false));
        Assert.Equal(0, AnswerMetrics.F1("anything", [], chinese: false));
    }

    [Fact]
    public void ChineseF1IsCharacterLevel()
    {
        // prediction 北京 (2 chars), gold 北京大学 (4 chars): P = 1, R = 0.5, F1 = 0.667
        Assert.Equal(2.0 / 3, AnswerMetrics.F1("北京", ["北京大学"], chinese: true), 6);
        Assert.Equal(0, AnswerMetrics.ExactMatch("北京", ["北京大学"], chinese: true));
    }

    [Fact]
    public void ChineseNormalisationDropsPunctuationAndSpaceAndKeepsLatinRunsWhole()
    {
        Assert.Equal(["踢", "爆"], AnswerMetrics.Tokens("「踢爆」。", chinese: true));
        Assert.Equal(["nexon", "开", "发", "2018", "年"], AnswerMetrics.Tokens("Nexon 开发，2018年", chinese: true));
        Assert.Equal(1, AnswerMetrics.ExactMatch("《泡泡堂》", ["泡泡堂"], chinese: true));
    }

    [Fact]
    public void ChineseIsChosenWhenTheQuestionOrAGoldAnswerHasHanCharacters()
    {
        Assert.True(AnswerMetrics.IsChinese("陸特和漢斯雷頓開創了哪一地區的研究？", ["Europe"]));
        Assert.True(AnswerMetrics.IsChinese("Which city?", ["北京"]));
        Assert.False(AnswerMetrics.IsChinese("Which city?", ["Paris"]));
    }

    [Fact]
    public void ContainmentFindsANormalisedGoldAnswerInsideTheAnswerText()
    {
        Assert.True(AnswerMetrics.ContainsAnyGold("The game was won by the Denver Broncos.", ["Denver Broncos"], chinese: false));
        Assert.True(AnswerMetrics.ContainsAnyGold("梵語的學術研究，由德國學者開創。", ["德國"], chinese: true));
        Assert.False(AnswerMetrics.ContainsAnyGold("It opened in 2010.", ["10"], chinese: false));
        Assert.False(AnswerMetrics.ContainsAnyGold("Paris is big.", ["the"], chinese: false));
        Assert.False(AnswerMetrics.ContainsAnyGold("", ["Paris"], chinese: false));
    }
}
