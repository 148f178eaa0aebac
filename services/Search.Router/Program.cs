using Search.Router.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceAuth();
builder.AddCallCost();
builder.AddCallLimit();
builder.AddRouter();

var app = builder.Build();
app.MapGrpcService<RouterService>();
app.MapDefaultEndpoints();
app.Run();
