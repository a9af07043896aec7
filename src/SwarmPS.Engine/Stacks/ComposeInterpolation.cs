using System;
using System.Text;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>
    /// Compose's variable substitution in scalar values, as the Compose specification writes it: <c>$VAR</c>,
    /// <c>${VAR}</c>, <c>${VAR:-default}</c> (unset or empty), <c>${VAR-default}</c> (unset), <c>${VAR:?message}</c>
    /// and <c>${VAR?message}</c> (stop with the message), <c>${VAR:+other}</c> and <c>${VAR+other}</c>, and <c>$$</c>
    /// for a literal <c>$</c>. Defaults may themselves hold substitutions.
    /// </summary>
    public static class ComposeInterpolation
    {
        /// <summary>Substitutes every variable of <paramref name="text"/>; <paramref name="lookup"/> gives null for an unset variable.</summary>
        /// <exception cref="SwarmException">ComposeVariableMissing for a required variable; ComposeFileInvalid for a malformed substitution.</exception>
        public static string Interpolate(string text, Func<string, string?> lookup, ComposeMark mark)
        {
            if (text.IndexOf('$') < 0)
            {
                return text;
            }

            var result = new StringBuilder(text.Length);
            int index = 0;
            while (index < text.Length)
            {
                char c = text[index];
                if (c != '$')
                {
                    result.Append(c);
                    index++;
                    continue;
                }

                if (index + 1 >= text.Length)
                {
                    result.Append('$');
                    index++;
                }
                else if (text[index + 1] == '$')
                {
                    result.Append('$');
                    index += 2;
                }
                else if (text[index + 1] == '{')
                {
                    int close = MatchingBrace(text, index + 2);
                    if (close < 0)
                    {
                        throw Invalid(text, mark, "a '${' is never closed with '}'");
                    }

                    result.Append(Braced(text.Substring(index + 2, close - index - 2), text, lookup, mark));
                    index = close + 1;
                }
                else if (IsNameStart(text[index + 1]))
                {
                    int end = index + 1;
                    while (end < text.Length && IsNamePart(text[end]))
                    {
                        end++;
                    }

                    result.Append(lookup(text.Substring(index + 1, end - index - 1)) ?? string.Empty);
                    index = end;
                }
                else
                {
                    throw Invalid(text, mark, $"'$' is followed by '{text[index + 1]}'");
                }
            }

            return result.ToString();
        }

        private static string Braced(string inner, string whole, Func<string, string?> lookup, ComposeMark mark)
        {
            int end = 0;
            while (end < inner.Length && IsNamePart(inner[end]))
            {
                end++;
            }

            if (end == 0 || !IsNameStart(inner[0]))
            {
                throw Invalid(whole, mark, $"'${{{inner}}}' does not start with a variable name");
            }

            string name = inner.Substring(0, end);
            string? value = lookup(name);
            if (end == inner.Length)
            {
                return value ?? string.Empty;
            }

            bool colon = inner[end] == ':';
            int operatorIndex = colon ? end + 1 : end;
            if (operatorIndex >= inner.Length)
            {
                throw Invalid(whole, mark, $"'${{{inner}}}' ends after ':'");
            }

            char op = inner[operatorIndex];
            string argument = inner.Substring(operatorIndex + 1);
            bool missing = value == null || (colon && value.Length == 0);
            switch (op)
            {
                case '-':
                    return missing ? Interpolate(argument, lookup, mark) : value!;
                case '+':
                    return missing ? string.Empty : Interpolate(argument, lookup, mark);
                case '?':
                    if (missing)
                    {
                        string said = Interpolate(argument, lookup, mark);
                        throw new SwarmException("ComposeVariableMissing", SwarmErrorKind.InvalidArgument,
                            $"{mark}: required variable {name} is {(value == null ? "not set" : "empty")}: {(said.Length > 0 ? said : "it must have a value")}. Set it in the environment or in the -EnvFile.", mark.File);
                    }

                    return value!;
                default:
                    throw Invalid(whole, mark, $"'{(colon ? ":" : string.Empty)}{op}' after {name} is not :-, -, :?, ?, :+ or +");
            }
        }

        /// <summary>The index of the '}' that closes a '${' whose text starts at <paramref name="start"/>, counting nested ones; -1 if none.</summary>
        private static int MatchingBrace(string text, int start)
        {
            int depth = 1;
            for (int index = start; index < text.Length; index++)
            {
                if (text[index] == '$' && index + 1 < text.Length && text[index + 1] == '{')
                {
                    depth++;
                    index++;
                }
                else if (text[index] == '}' && --depth == 0)
                {
                    return index;
                }
            }

            return -1;
        }

        private static bool IsNameStart(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_';

        private static bool IsNamePart(char c) => IsNameStart(c) || c is >= '0' and <= '9';

        private static SwarmException Invalid(string text, ComposeMark mark, string why) =>
            new SwarmException("ComposeFileInvalid", SwarmErrorKind.InvalidData,
                $"{mark}: invalid substitution in '{text}': {why}. Write ${{NAME}}, ${{NAME:-default}}, ${{NAME:?message}}, or $$ for a literal '$'.", mark.File);
    }
}
