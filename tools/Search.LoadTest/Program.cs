using Search.LoadTest;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops sending and reports what was measured; a second one ends the process.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};

return await LoadTestApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
