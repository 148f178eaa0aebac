using Search.Retrieval.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCallLimit();
builder.AddRetrieval();

var app = builder.Build();
app.MapGrpcService<RetrievalService>();
app.MapDefaultEndpoints();
app.Run();
