using Search.Retrieval.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCallCost();
builder.AddCallLimit();
builder.AddRetrieval();

var app = builder.Build();
app.MapGrpcService<RetrievalService>();
app.MapDefaultEndpoints();
app.Run();
