namespace Search.Cli.Commands;

/// <summary>
/// A mistake in the command line that only the command itself can see (a file name with no known format):
/// the message is printed with a pointer to the command's help, and the exit code is 2.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
