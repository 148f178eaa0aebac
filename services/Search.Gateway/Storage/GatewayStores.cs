using Microsoft.Extensions.Options;
using Search.Gateway.Feedback;
using Search.Gateway.QueryLog;
using Search.Gateway.Review;

namespace Search.Gateway.Storage;

/// <summary>
/// Registers the gateway's three stores (feedback, the query log, review actions) on one engine: PostgreSQL when
/// Gateway:Store:Postgres (or the older Gateway:Feedback:Postgres) is set, so every replica shares them; otherwise
/// the SQLite file Gateway:Feedback:Database.
/// </summary>
public static class GatewayStores
{
    public static IHostApplicationBuilder AddGatewayStores(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<StoreOptions>(StoreOptions.Section);
        builder.Services.AddSingleton<IFeedbackStore>(services => Postgres(services) is ({ Length: > 0 } postgres, var setting)
            ? new PostgresFeedbackStore(postgres, Time(services), setting)
            : new SqliteFeedbackStore(services.GetRequiredService<IOptions<FeedbackOptions>>(), Time(services)));
        builder.Services.AddSingleton<IQueryLogStore>(services => Postgres(services) is ({ Length: > 0 } postgres, var setting)
            ? new PostgresQueryLogStore(postgres, setting)
            : new SqliteQueryLogStore(services.GetRequiredService<IOptions<FeedbackOptions>>()));
        builder.Services.AddSingleton<IReviewStore>(services => Postgres(services) is ({ Length: > 0 } postgres, var setting)
            ? new PostgresReviewStore(postgres, Time(services), setting)
            : new SqliteReviewStore(services.GetRequiredService<IOptions<FeedbackOptions>>(), Time(services)));
        return builder;
    }

    private static (string ConnectionString, string Setting) Postgres(IServiceProvider services) =>
        services.GetRequiredService<IOptions<StoreOptions>>().Value.ResolvePostgres(services.GetRequiredService<IOptions<FeedbackOptions>>().Value);

    private static TimeProvider Time(IServiceProvider services) => services.GetRequiredService<TimeProvider>();
}
