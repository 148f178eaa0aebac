using Search.Rerank.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceAuth();
builder.AddCallCost();
builder.AddCallLimit();
builder.AddRerank();

var app = builder.Build();
app.MapGrpcService<RerankService>();
app.MapDefaultEndpoints();
app.Run();
