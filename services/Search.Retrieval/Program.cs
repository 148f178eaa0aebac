using Search.Retrieval.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
var service = Search.Contracts.V1.Retrieval.Descriptor.FullName;
// Only the gateway's authorised ingest writes: these need its write token besides the call token.
builder.AddServiceAuth($"/{service}/UpsertDocuments", $"/{service}/UpsertDocumentStream", $"/{service}/DeleteDocuments");
builder.AddCallCost();
// Writes wait for their group commit: they get their own slots, never the searches'.
builder.AddCallLimit($"/{service}/UpsertDocuments", $"/{service}/DeleteDocuments");
builder.AddRetrieval();

var app = builder.Build();
app.MapGrpcService<RetrievalService>();
app.MapDefaultEndpoints();
app.Run();
