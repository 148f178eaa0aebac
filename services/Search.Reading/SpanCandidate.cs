using Search.Text;

namespace Search.Reading;

/// <summary>A possible typed answer inside a sentence; <see cref="Prior"/> says how much its context looks like an answer of that type.</summary>
public readonly record struct SpanCandidate(TextRange Range, ExpectedAnswer Type, double Prior);
