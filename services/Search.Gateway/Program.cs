using Search.Gateway.Api;
using Search.Gateway.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();
app.UseGateway();
app.MapGrpcService<GatewayService>();
app.MapSearchApi();
app.MapSearchStreamApi();
app.MapDocumentsApi();
app.MapFeedbackApi();
app.MapReviewApi();
app.MapDefaultEndpoints();
app.Run();
