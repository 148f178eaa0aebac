using Search.Answer.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceAuth();
builder.AddCallCost();
builder.AddCallLimit();
builder.AddAnswer();

var app = builder.Build();
app.MapGrpcService<AnswerService>();
app.MapDefaultEndpoints();
app.Run();
