namespace Microsoft.Extensions.Hosting;

public static class AnswerExtensions
{
    /// <summary>Registers the answer service's options and domain services.</summary>
    public static IHostApplicationBuilder AddAnswer(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
