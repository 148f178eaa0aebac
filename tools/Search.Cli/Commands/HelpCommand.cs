using System.CommandLine;

namespace Search.Cli.Commands;

/// <summary><c>help [command...]</c>: the same help as <c>command --help</c>.</summary>
public static class HelpCommand
{
    public static Command Create()
    {
        var names = new Argument<string[]>("command") { Description = "the command, or command and subcommand: help eval squad", Arity = ArgumentArity.ZeroOrMore };
        var command = new CliCommand("help", "Prints the help of a command, as 'search-cli COMMAND --help' does.") { names };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(names) ?? [];
            var root = parse.RootCommandResult.Command;
            var target = root;
            foreach (var name in path)
            {
                if (target.Subcommands.FirstOrDefault(c => c.Name == name || c.Aliases.Contains(name)) is not { } subcommand)
                {
                    // The hint points at the help that lists what there is, not at this command's.
                    return await CliApp.UsageError(parse.InvocationConfiguration.Error, CliSyntax.Unrecognised(target, name), target);
                }

                target = subcommand;
            }

            return await root.Parse([.. path, "--help"], parse.Configuration).InvokeAsync(parse.InvocationConfiguration, cancellationToken);
        });
        return command;
    }
}
