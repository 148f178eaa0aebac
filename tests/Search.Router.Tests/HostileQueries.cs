namespace Search.Router.Tests;

public static class HostileQueries
{
    public static TheoryData<string> All => new(
        "<script>alert('x')</script> who wrote hamlet",
        "title:(a OR b) AND \"",
        "*",
        "~",
        "\\",
        "?",
        "\0\u0001\u0007 nul and bell",
        "\uD800 lone high surrogate",
        "lone low surrogate \uDC00",
        "\u202Eevil bidi override",
        "'; DROP TABLE documents; --",
        "%s%n%x {0} ${jndi:ldap://x}",
        "😀😀😀 emoji only",
        "١٢٣٤ arabic digits",
        new string('x', 1000),
        new string('x', 100_000),
        new string(' ', 7999) + "a");
}
