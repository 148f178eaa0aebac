using System.Globalization;

namespace Search.Cli.Commands;

/// <summary>A mistake in the command line: the message is printed and the exit code is 2.</summary>
public sealed class UsageException(string message, string? helpCommand = null) : Exception(message)
{
    /// <summary>The command whose help is hinted at ("ingest", …), or null for the general help.</summary>
    public string? HelpCommand { get; } = helpCommand;
}

/// <summary>The options and positional arguments of one command, parsed by hand against a fixed spec.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _flags;
    private readonly string _command;

    private CommandLine(string command, Dictionary<string, string> values, HashSet<string> flags, List<string> positionals, bool help)
    {
        _command = command;
        _values = values;
        _flags = flags;
        Positionals = positionals;
        Help = help;
    }

    public IReadOnlyList<string> Positionals { get; }

    public bool Help { get; }

    /// <summary>
    /// Parses <paramref name="args"/>: <c>--name value</c>, <c>--name=value</c>, flags, <c>-h/--help</c>, and <c>--</c>
    /// to end the options. Unknown options and missing values throw <see cref="UsageException"/>.
    /// </summary>
    public static CommandLine Parse(string command, IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string>? flagOptions = null)
    {
        flagOptions ??= [];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var positionals = new List<string>();
        var help = false;
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || !arg.StartsWith('-') || arg == "-")
            {
                positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            if (arg is "-h" or "--help" or "-?")
            {
                help = true;
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (flagOptions.Contains(name))
            {
                if (equals > 0)
                {
                    throw new UsageException($"option '{name}' takes no value", command);
                }

                flags.Add(name);
                continue;
            }

            if (!valueOptions.Contains(name))
            {
                throw new UsageException($"unknown option '{name}' for '{command}'", command);
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option '{name}' needs a value", command);
            }

            values[name] = value;
        }

        return new CommandLine(command, values, flags, positionals, help);
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Value(string option) => _values.GetValueOrDefault(option);

    public string Required(string option) =>
        _values.TryGetValue(option, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new UsageException($"'{_command}' needs {option}", _command);

    public int Number(string option, int defaultValue, int min, int max)
    {
        if (!_values.TryGetValue(option, out var text))
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{option} must be a whole number from {min} to {max}, got '{text}'", _command);
        }

        return value;
    }

    /// <summary>Exactly as many positional arguments as <paramref name="names"/>, which name them in messages.</summary>
    public void ExpectPositionals(params string[] names)
    {
        if (Positionals.Count < names.Length)
        {
            throw new UsageException($"'{_command}' needs {names[Positionals.Count]}", _command);
        }

        if (Positionals.Count > names.Length)
        {
            throw new UsageException($"unexpected argument '{Positionals[names.Length]}' for '{_command}'", _command);
        }
    }
}
