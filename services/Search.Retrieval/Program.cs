using Search.Retrieval.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCallCost();
// Writes wait for their group commit: they get their own slots, never the searches'.
var service = Search.Contracts.V1.Retrieval.Descriptor.FullName;
builder.AddCallLimit($"/{service}/UpsertDocuments", $"/{service}/DeleteDocuments");
builder.AddRetrieval();

var app = builder.Build();
app.MapGrpcService<RetrievalService>();
app.MapDefaultEndpoints();
app.Run();
