using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Search.Cli.Commands;

/// <summary>
/// A command of the CLI: its one-line description is what command listings show; <see cref="Details"/>, when
/// given, is printed after the generated help (what the output means, how the data should be prepared).
/// </summary>
internal class CliCommand(string name, string description, string? details = null) : Command(name, description)
{
    public string? Details { get; } = details;

    /// <summary>The words that run this command after "search-cli" ("eval squad"); empty for the root.</summary>
    public static string PathOf(Command command)
    {
        if (command.Parents.OfType<Command>().FirstOrDefault() is not { } parent)
        {
            return "";
        }

        var path = PathOf(parent);
        return path.Length == 0 ? command.Name : $"{path} {command.Name}";
    }

    /// <summary>The help option for the root: the generated help, then the command's <see cref="Details"/>.</summary>
    public static HelpOption HelpOption()
    {
        var option = new HelpOption();
        option.Action = new DetailedHelpAction((HelpAction)option.Action!);
        return option;
    }

    private sealed class DetailedHelpAction(HelpAction help) : SynchronousCommandLineAction
    {
        // Like the help it wraps: '--help' works on a command line that is otherwise incomplete.
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = help.Invoke(parseResult);
            if (parseResult.CommandResult.Command is CliCommand { Details: { Length: > 0 } details })
            {
                parseResult.InvocationConfiguration.Output.WriteLine(details);
            }

            return code;
        }
    }
}

/// <summary>
/// A command that only holds subcommands (<c>eval squad</c>, <c>train answer</c>): run alone, or with a word that
/// is none of them, it is a usage error that names what was expected.
/// </summary>
internal sealed class CommandGroup : CliCommand
{
    /// <param name="missing">what is missing when no subcommand is given ("a dataset kind")</param>
    /// <param name="kind">what an unknown word is called ("evaluation")</param>
    public CommandGroup(string name, string description, string missing, string kind, params Command[] subcommands)
        : base(name, description)
    {
        Kind = kind;
        foreach (var subcommand in subcommands)
        {
            Subcommands.Add(subcommand);
        }

        SetAction(int (_) => throw new UsageException($"'{PathOf(this)}' needs {missing} ({string.Join(" or ", Subcommands.Select(c => c.Name))})"));
    }

    public string Kind { get; }
}
