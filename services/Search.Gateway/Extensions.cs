using Grpc.Health.V1;
using Search.Gateway;
using Search.Gateway.Api;
using Search.Gateway.Caching;
using Search.Gateway.Grpc;
using Search.Gateway.Ingest;
using Search.Gateway.Pipeline;
using Search.Gateway.QueryLog;
using Search.Gateway.Storage;
using Rpc = Search.Contracts.V1;

namespace Microsoft.Extensions.Hosting;

public static class GatewayExtensions
{
    /// <summary>Registers the gateway options, the downstream gRPC clients, the search pipeline and the rate limiter.</summary>
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<GatewayOptions>(GatewayOptions.Section);
        var options = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();

        // Deadlines are set per call by the pipeline; the client factory only knows where each service is.
        // Each client is named for its stage, so StageReadiness can read the stage's health over the same connection.
        // Every call to a stage carries the service token the stages check (ServiceAuth); retrieval's the write token too.
        // The client factory's per-request log scope and lines are removed: work on each of a search's four stage calls,
        // read by no one (failures are logged by the pipeline). Its saving alone was within the machine's noise
        // (docs/benchmarks.md, "A query's vector on one thread, and what else the profile showed").
        builder.AddServiceTokens();
        builder.Services.AddSingleton(StageChannels.DnsResolver());
        builder.Services.AddGrpcClient<Rpc.Router.RouterClient>(Stages.Router, o => o.Address = new Uri(options.RouterAddress))
            .ConfigureChannel(c => StageChannels.Configure(c, new Uri(options.RouterAddress)))
            .AddInterceptor(sp => sp.ServiceTokenSigner())
            .RemoveAllLoggers();
        builder.Services.AddGrpcClient<Rpc.Retrieval.RetrievalClient>(Stages.Retrieval, o => o.Address = new Uri(options.RetrievalAddress))
            .ConfigureChannel(c =>
            {
                StageChannels.Configure(c, new Uri(options.RetrievalAddress));
                c.MaxReceiveMessageSize = 64 * 1024 * 1024;
                c.MaxSendMessageSize = 64 * 1024 * 1024;
            })
            .AddInterceptor(sp => sp.ServiceTokenSigner(withWriteKey: true))
            .RemoveAllLoggers();
        builder.Services.AddGrpcClient<Rpc.Rerank.RerankClient>(Stages.Rerank, o => o.Address = new Uri(options.RerankAddress))
            .ConfigureChannel(c => StageChannels.Configure(c, new Uri(options.RerankAddress)))
            .AddInterceptor(sp => sp.ServiceTokenSigner())
            .RemoveAllLoggers();
        builder.Services.AddGrpcClient<Rpc.Answer.AnswerClient>(Stages.Answer, o => o.Address = new Uri(options.AnswerAddress))
            .ConfigureChannel(c => StageChannels.Configure(c, new Uri(options.AnswerAddress)))
            .AddInterceptor(sp => sp.ServiceTokenSigner())
            .RemoveAllLoggers();
        // Makes grpc.health.v1 clients creatable by the factory; StageReadiness creates them under the stages' names.
        builder.Services.AddGrpcClient<Health.HealthClient>("stage-health", o => o.Address = new Uri(options.RetrievalAddress))
            .RemoveAllLoggers();
        builder.Services.AddSingleton<StageReadiness>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StageReadiness>());
        builder.Services.AddWarmUp<GatewayWarmUp>();

        builder.AddValidatedOptions<CacheOptions>(CacheOptions.Section);
        builder.Services.AddSingleton<StageResilience>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<AnswerCache>();
        builder.Services.AddSingleton<WriteInvalidation>();
        builder.Services.AddSingleton<CachedSearch>();
        builder.Services.AddSingleton<IngestAuthorization>();
        builder.Services.AddGrpc().AddServiceOptions<GatewayService>(o => o.Interceptors.Add<IngestGrpcInterceptor>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Deadlines>();
        builder.AddValidatedOptions<AdmissionOptions>(AdmissionOptions.Section);
        builder.Services.AddSingleton<Admission>();
        builder.Services.AddSingleton<StreamSlots>();
        builder.Services.AddScoped<ISearchStages, SearchStages>();
        builder.Services.AddScoped<SearchPipeline>();
        builder.AddTrustedProxies();
        builder.AddGatewayRateLimiting();
        builder.AddRequestLineLimit();
        builder.AddFeedback();
        builder.AddGatewayStores();
        builder.AddReview();
        builder.AddValidatedOptions<QueryLogOptions>(QueryLogOptions.Section);
        builder.Services.AddSingleton<QueryLogWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueryLogWriter>());
        return builder;
    }

    /// <summary>
    /// The gateway's middleware: the security headers on every response, the client address from trusted proxies,
    /// per-client rate limiting (the page's files count too), then the search page.
    /// </summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseSecurityHeaders();
        // Before the limiter: it partitions by the client address, which a trusted proxy forwards.
        app.UseForwardedHeaders();
        app.UseRateLimiter();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }
}
