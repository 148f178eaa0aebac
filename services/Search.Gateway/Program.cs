using Search.Gateway.Api;
using Search.Gateway.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGateway();
builder.AddGatewayRateLimiting();

var app = builder.Build();
app.UseRateLimiter();
app.MapGrpcService<GatewayService>();
app.MapSearchApi();
app.MapSearchStreamApi();
app.MapDocumentsApi();
app.MapDefaultEndpoints();
app.Run();
