using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Search.Cli.Commands;

/// <summary>
/// The kinds of option the commands share, each with the check that makes a bad value a usage error naming
/// the option, and the messages for words the parser did not recognise.
/// </summary>
public static class CliSyntax
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Number(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseNumber(result, name, min, max) ?? defaultValue,
    };

    /// <summary>A whole number of at least 1 with no default: a limit that is off unless given.</summary>
    public static Option<int?> Limit(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result => ParseNumber(result, name, 1, int.MaxValue),
    };

    /// <summary>A non-negative number (a regularisation weight).</summary>
    public static Option<double> NonNegative(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        HelpName = "X",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return value;
            }

            result.AddError($"{name} must be a non-negative number, got '{text}'");
            return defaultValue;
        },
    };

    /// <summary>One of <paramref name="values"/>; with <paramref name="allowEmpty"/> an empty value means "not given".</summary>
    public static Option<string> Choice(string name, string description, string[] values, string? defaultValue = null, bool allowEmpty = false)
    {
        var option = new Option<string>(name) { Description = description, HelpName = string.Join('|', values) };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !values.Contains(value, StringComparer.Ordinal) && !(allowEmpty && value.Length == 0))
            {
                result.AddError($"{name} must be {string.Join(", ", values[..^1])} or {values[^1]}, got '{value}'");
            }
        });
        return option;
    }

    /// <summary>The language hint every asking command takes.</summary>
    public static Option<string> Language() =>
        Choice("--lang", "language hint (default: detected)", ["en", "zh-Hans", "zh-Hant"], allowEmpty: true);

    /// <summary>Makes <paramref name="option"/> required, with a message in the CLI's words.</summary>
    public static void Require(Command command, Option<string> option)
    {
        command.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValue(option)))
            {
                result.AddError($"'{CliCommand.PathOf(command)}' needs {option.Name}");
            }
        });
    }

    /// <summary>Makes <paramref name="argument"/> required, naming it as <paramref name="what"/> in the message.</summary>
    public static void Require<T>(Command command, Argument<T> argument, string what)
    {
        command.Validators.Add(result =>
        {
            if (result.GetValue(argument) is null or Array { Length: 0 })
            {
                result.AddError($"'{CliCommand.PathOf(command)}' needs {what}");
            }
        });
    }

    /// <summary>Says what is wrong with a word <paramref name="command"/> did not recognise.</summary>
    public static string Unrecognised(Command command, string word)
    {
        var path = CliCommand.PathOf(command);
        if (word.Length > 1 && word.StartsWith('-'))
        {
            return path.Length == 0 ? $"unknown option '{word}'" : $"unknown option '{word}' for '{path}'";
        }

        var available = string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
        if (command is CommandGroup group)
        {
            return $"unknown {group.Kind} '{word}' (available: {available})";
        }

        return path.Length == 0 ? $"unknown command '{word}' (commands: {available})" : $"unexpected argument '{word}' for '{path}'";
    }

    private static int? ParseNumber(ArgumentResult result, string name, int min, int max)
    {
        var text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        var range = max == int.MaxValue ? $"of at least {min}" : $"from {min} to {max}";
        result.AddError($"{name} must be a whole number {range}, got '{text}'");
        return null;
    }
}
