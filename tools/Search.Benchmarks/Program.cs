using System.Runtime.InteropServices;
using Search.Benchmarks;

using var stopping = new CancellationTokenSource();
// Ctrl-C and `kill` stop the measurement; the service process and the temporary files are removed on the way out.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

return await BenchmarkRun.RunAsync(args, Console.Out, Console.Error, stopping.Token);

void Stop(PosixSignalContext context)
{
    // The first signal stops the work cleanly; a second one ends the process.
    context.Cancel = !stopping.IsCancellationRequested;
    stopping.Cancel();
}
