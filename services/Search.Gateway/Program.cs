using Search.Gateway.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();
app.MapGrpcService<GatewayService>();
app.MapSearchApi();
app.MapDocumentsApi();
app.MapDefaultEndpoints();
app.Run();
