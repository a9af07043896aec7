using System;
using System.Collections.Generic;
using System.Globalization;
using SwarmPS.Engine.Provisioning;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>
    /// Reads placement constraints written in Docker's swarm-mode syntax or in the classic (standalone) Swarm syntax
    /// of older scripts, and translates both, by one rule, into swarm-mode constraints, which swarm ANDs.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Swarm syntax is taken as <c>docker service create --constraint</c> takes it: <c>node.id</c>,
    /// <c>node.hostname</c>, <c>node.role</c> (manager or worker), <c>node.platform.os</c>, <c>node.platform.arch</c>,
    /// <c>node.labels.KEY</c> and <c>engine.labels.KEY</c>, then <c>==</c> or <c>!=</c>, then the value; whitespace
    /// around the operator is ignored and field names may be in any case. Values are compared literally, ignoring case.
    /// </para>
    /// <para>
    /// The translation rule for classic syntax: a key without a <c>node.</c> or <c>engine.</c> prefix, as in
    /// <c>storage==ssd</c> or <c>constraint:storage==ssd</c> (the prefix is optional, in any case), means the label
    /// <c>storage</c> as SwarmPS shows it in a node's <c>Labels</c>, where engine labels and node labels are merged and
    /// node labels win. Join-SwarmNode copies a node's engine labels into its node labels, so that label is a node label,
    /// and the constraint is sent as <c>node.labels.storage==ssd</c> (<c>!=</c> likewise). A node that joined otherwise
    /// gets the copy with Set-SwarmNode -Label. <c>node==NAME</c> is sent as <c>node.hostname==NAME</c>.
    /// </para>
    /// <para>
    /// Refused with ConstraintUnsupported, because swarm mode cannot express them: classic regular expressions
    /// (<c>storage==/ss.*/</c>), globs and other pattern characters in classic values (<c>storage==ss*</c>), soft
    /// constraints (<c>storage==~ssd</c>), affinities (<c>affinity:</c>, <c>container==</c>, <c>image==</c>),
    /// <c>node.ip</c>, label keys with '/', and values with characters Docker does not accept in a constraint (it takes
    /// only ASCII letters, digits, spaces and <c>: - _ . * ( ) ? + [ ] \ ^ $ | /</c>). Malformed text is refused with
    /// ConstraintInvalid. Both errors give the position (counted in characters from 1) and what would be right.
    /// </para>
    /// </remarks>
    public static class ConstraintParser
    {
        /// <summary>The supported forms and the translation rule, as error messages state them.</summary>
        internal const string SupportedForms =
            "Supported forms: node.labels.KEY==VALUE, engine.labels.KEY==VALUE, node.hostname==NAME, node.id==ID, node.role==manager or worker, " +
            "node.platform.os==linux, node.platform.arch==x86_64 (each also with !=; all constraints must hold); and the classic KEY==VALUE, " +
            "which means the label KEY as Get-SwarmNode shows it in Labels and is sent as node.labels.KEY==VALUE (SwarmPS copies engine labels " +
            "to node labels when a node joins), and node==NAME, sent as node.hostname==NAME; the classic forms may start with constraint:.";

        private const string InvalidId = "ConstraintInvalid";
        private const string UnsupportedId = "ConstraintUnsupported";
        private const string ClassicPrefix = "constraint:";
        private const string AffinityPrefix = "affinity:";

        private const string NoAffinities =
            "Swarm mode has no affinities: give the nodes you want a label with Set-SwarmNode -Label and constrain on it, for example node.labels.app==db.";

        // Docker's constraint value pattern, besides ASCII letters and digits (swarmkit manager/constraint).
        private const string ValueSymbols = ":-_ .*()?+[]\\^$|/";

        // A classic value was a regular expression with '*' widened to '.*'; '.' is let through as the literal it
        // almost always is.
        private static readonly char[] ClassicPatternCharacters = "*?+()[]\\^$|".ToCharArray();

        // The first of these after the key starts the operator, or is a mistaken one.
        private static readonly char[] OperatorCharacters = { '=', '!', '~', '<', '>' };

        /// <summary>Parses one constraint in swarm or classic syntax; see the class remarks for the forms and the translation rule.</summary>
        /// <exception cref="SwarmException">
        /// ConstraintInvalid for malformed text; ConstraintUnsupported for a form swarm mode cannot express. Both say
        /// where, and what would be right.
        /// </exception>
        public static PlacementConstraint Parse(string text)
        {
            if (text is null)
            {
                throw new SwarmException(InvalidId, SwarmErrorKind.InvalidArgument, "A constraint is missing (null). Give one such as node.labels.storage==ssd. " + SupportedForms);
            }

            int index = SkipWhiteSpace(text, 0);
            if (index == text.Length)
            {
                throw new SwarmException(InvalidId, SwarmErrorKind.InvalidArgument, $"Constraint '{EngineLabels.Display(text)}' is empty. Give one such as node.labels.storage==ssd. " + SupportedForms, text);
            }

            bool classic = false;
            if (HasAt(text, index, ClassicPrefix))
            {
                classic = true;
                index = SkipWhiteSpace(text, index + ClassicPrefix.Length);
                if (index == text.Length)
                {
                    throw Invalid(text, index, "nothing follows 'constraint:'", "Write constraint:KEY==VALUE, for example constraint:storage==ssd. " + SupportedForms);
                }
            }
            else if (HasAt(text, index, AffinityPrefix))
            {
                throw Unsupported(text, index, "'affinity:' starts a classic Swarm affinity (run next to a container or an image)", NoAffinities);
            }

            int operatorIndex = text.IndexOfAny(OperatorCharacters, index);
            if (operatorIndex < 0)
            {
                throw Invalid(text, TrimEnd(text, index, text.Length), "there is no operator", "Write KEY==VALUE or KEY!=VALUE, for example node.labels.storage==ssd. " + SupportedForms);
            }

            char first = text[operatorIndex];
            char second = operatorIndex + 1 < text.Length ? text[operatorIndex + 1] : '\0';
            bool equal;
            if (first == '=' && second == '=')
            {
                equal = true;
            }
            else if (first == '!' && second == '=')
            {
                equal = false;
            }
            else if (first == '=' && second == '~')
            {
                throw Unsupported(text, operatorIndex, "'=~' makes a classic Swarm soft constraint (a preference the scheduler may ignore)", "Swarm mode has only hard constraints: write == to require the value, or leave the constraint out.");
            }
            else if (first == '=')
            {
                throw Invalid(text, operatorIndex, "a single '=' is not an operator", "Write '==' to require the value or '!=' to exclude it, for example storage==ssd. " + SupportedForms);
            }
            else
            {
                throw Invalid(text, operatorIndex, $"'{first}' is not an operator", "Swarm constraints compare only with '==' and '!=', for example node.labels.storage!=disk. " + SupportedForms);
            }

            string op = equal ? "==" : "!=";
            int valueStart = SkipWhiteSpace(text, operatorIndex + 2);
            int valueEnd = TrimEnd(text, valueStart, text.Length);
            if (valueStart < valueEnd && text[valueStart] == '~')
            {
                throw Unsupported(text, operatorIndex, $"'{op}~' makes a classic Swarm soft constraint (a preference the scheduler may ignore)", $"Swarm mode has only hard constraints: write {op} without '~' to require it, or leave the constraint out.");
            }

            if (valueStart < valueEnd && text[valueStart] is '=' or '!')
            {
                throw Invalid(text, valueStart, $"'{text[valueStart]}' follows the operator '{op}'", "Write exactly '==' or '!=' between key and value, for example storage==ssd.");
            }

            int keyStart = index;
            int keyEnd = TrimEnd(text, keyStart, operatorIndex);
            if (keyStart == keyEnd)
            {
                throw Invalid(text, operatorIndex, $"there is no key before '{op}'", "Write KEY==VALUE, for example node.labels.storage==ssd. " + SupportedForms);
            }

            string key = text.Substring(keyStart, keyEnd - keyStart);
            if (valueStart >= valueEnd)
            {
                throw Invalid(text, operatorIndex + 2, $"there is no value after '{op}'", $"Write {EngineLabels.Display(key)}{op}VALUE, for example storage{op}ssd.");
            }

            ReadKey(text, key, keyStart, ref classic, out ConstraintField field, out string? labelKey);
            string value = ReadValue(text, valueStart, valueEnd, classic, PlacementConstraint.FieldText(field, labelKey) + op);
            if (field == ConstraintField.NodeRole)
            {
                // A closed set: a typo here would otherwise silently match no node.
                value = AsciiEqualsIgnoreCase(value, "manager") ? "manager"
                    : AsciiEqualsIgnoreCase(value, "worker") ? "worker"
                    : throw Invalid(text, valueStart, $"'{EngineLabels.Display(value)}' is not a node role", "A node's role is manager or worker, for example node.role==worker.");
            }

            return new PlacementConstraint(field, labelKey, equal, value, text);
        }

        /// <summary>
        /// Parses one constraint per string, in order; a constraint whose swarm form (<see cref="PlacementConstraint.ToSwarm"/>)
        /// was already given counts once.
        /// </summary>
        /// <exception cref="SwarmException">ConstraintInvalid or ConstraintUnsupported for the first string that is not a supported constraint.</exception>
        public static IReadOnlyList<PlacementConstraint> ParseAll(IEnumerable<string> texts)
        {
            ArgumentNullException.ThrowIfNull(texts);
            var constraints = new List<PlacementConstraint>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string text in texts)
            {
                PlacementConstraint constraint = Parse(text);
                if (seen.Add(constraint.ToSwarm()))
                {
                    constraints.Add(constraint);
                }
            }

            return constraints;
        }

        /// <summary>Works out the field from the key; bare keys are classic and follow the translation rule.</summary>
        private static void ReadKey(string text, string key, int keyStart, ref bool classic, out ConstraintField field, out string? labelKey)
        {
            labelKey = null;
            int labelKeyStart = keyStart;
            if (AsciiStartsWithIgnoreCase(key, "node."))
            {
                string rest = key.Substring("node.".Length);
                if (AsciiEqualsIgnoreCase(rest, "id"))
                {
                    field = ConstraintField.NodeId;
                }
                else if (AsciiEqualsIgnoreCase(rest, "hostname"))
                {
                    field = ConstraintField.NodeHostname;
                }
                else if (AsciiEqualsIgnoreCase(rest, "role"))
                {
                    field = ConstraintField.NodeRole;
                }
                else if (AsciiEqualsIgnoreCase(rest, "platform.os"))
                {
                    field = ConstraintField.NodePlatformOs;
                }
                else if (AsciiEqualsIgnoreCase(rest, "platform.arch"))
                {
                    field = ConstraintField.NodePlatformArch;
                }
                else if (AsciiStartsWithIgnoreCase(rest, "labels."))
                {
                    field = ConstraintField.NodeLabel;
                    labelKeyStart = keyStart + "node.labels.".Length;
                    labelKey = key.Substring("node.labels.".Length);
                }
                else if (AsciiEqualsIgnoreCase(rest, "labels"))
                {
                    throw Invalid(text, keyStart + key.Length, "node.labels needs a label key", "Write node.labels.KEY==VALUE, for example node.labels.storage==ssd.");
                }
                else if (AsciiEqualsIgnoreCase(rest, "ip"))
                {
                    throw Unsupported(text, keyStart, "SwarmPS does not support node.ip", "Constrain on the host name or a node label instead, for example node.hostname==core-01.");
                }
                else
                {
                    throw Invalid(text, keyStart + "node.".Length, $"'{EngineLabels.Display(rest)}' is not a node field", "Use node.id, node.hostname, node.role, node.platform.os, node.platform.arch or node.labels.KEY, for example node.role==worker. " + SupportedForms);
                }
            }
            else if (AsciiStartsWithIgnoreCase(key, "engine."))
            {
                string rest = key.Substring("engine.".Length);
                if (AsciiStartsWithIgnoreCase(rest, "labels."))
                {
                    field = ConstraintField.EngineLabel;
                    labelKeyStart = keyStart + "engine.labels.".Length;
                    labelKey = key.Substring("engine.labels.".Length);
                }
                else if (AsciiEqualsIgnoreCase(rest, "labels"))
                {
                    throw Invalid(text, keyStart + key.Length, "engine.labels needs a label key", "Write engine.labels.KEY==VALUE, for example engine.labels.storage==ssd.");
                }
                else
                {
                    throw Invalid(text, keyStart + "engine.".Length, $"'{EngineLabels.Display(rest)}' is not an engine field", "The only engine field is engine.labels.KEY, for example engine.labels.storage==ssd. " + SupportedForms);
                }
            }
            else if (AsciiEqualsIgnoreCase(key, "node"))
            {
                classic = true;
                field = ConstraintField.NodeHostname;
            }
            else if (AsciiEqualsIgnoreCase(key, "container") || AsciiEqualsIgnoreCase(key, "image"))
            {
                throw Unsupported(text, keyStart, $"'{key}' is a classic Swarm affinity key (run next to a {key.ToLowerInvariant()})", NoAffinities);
            }
            else
            {
                // The translation rule: a bare key is the label as Labels shows it, which is a node label.
                classic = true;
                field = ConstraintField.NodeLabel;
                labelKey = key;
            }

            if (labelKey is null)
            {
                return;
            }

            if (labelKey.Length == 0)
            {
                throw Invalid(text, labelKeyStart, "the label key is missing", $"Write {key}KEY==VALUE, for example {key}storage==ssd.");
            }

            for (int offset = 0; offset < labelKey.Length; offset++)
            {
                char c = labelKey[offset];
                if (IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
                {
                    continue;
                }

                int at = labelKeyStart + offset;
                if (c == '/')
                {
                    throw Unsupported(text, at, $"the label key '{EngineLabels.Display(labelKey)}' contains '/'", "Docker takes only letters, digits, '.', '-' and '_' in a constraint's key, so a label with '/' cannot be constrained on; label the nodes with a key without it, for example com.example.tier instead of com.example/tier.");
                }

                string hint = c switch
                {
                    ':' => " Only the prefix constraint: can come before the key.",
                    '"' or '\'' => " Write the constraint without quotes.",
                    _ => string.Empty,
                };
                throw Invalid(text, at, $"{Describe(text, at)} cannot be part of a label key", "A label key has only letters, digits, '.', '-' and '_', for example node.labels.com.example.storage==ssd." + hint + " " + SupportedForms);
            }
        }

        /// <summary>Checks the value against what a label can hold, what swarm can compare, and (classic) what was a pattern.</summary>
        private static string ReadValue(string text, int valueStart, int valueEnd, bool classic, string swarmPrefix)
        {
            for (int index = valueStart; index < valueEnd; index++)
            {
                char c = text[index];
                if (char.IsHighSurrogate(c) && index + 1 < valueEnd && char.IsLowSurrogate(text[index + 1]))
                {
                    index++;
                }
                else if (char.IsControl(c))
                {
                    throw Invalid(text, index, $"the value contains the control character {Describe(text, index)}", "A value is a single line of printable text.");
                }
                else if (char.IsSurrogate(c))
                {
                    throw Invalid(text, index, "the value is not valid Unicode text (a lone surrogate)", "Give the value as printable text.");
                }
                else if (c == '=')
                {
                    throw Invalid(text, index, "the value contains '=', as if a second operator followed", "Give one constraint per string, KEY==VALUE or KEY!=VALUE, for example storage==ssd; several constraints must all hold.");
                }
            }

            string value = text.Substring(valueStart, valueEnd - valueStart);
            if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
            {
                throw Invalid(text, valueStart, "the value is in quotes", $"Write it without them, for example {EngineLabels.Display(swarmPrefix + value.Substring(1, value.Length - 2))}.");
            }

            if (classic)
            {
                if (value.Length >= 2 && value[0] == '/' && value[^1] == '/')
                {
                    throw Unsupported(text, valueStart, $"'{EngineLabels.Display(value)}' is a classic Swarm regular expression", "Swarm mode compares values exactly (ignoring case) and has no patterns: write the one value to match, for example storage==ssd, or give the nodes you want a common label.");
                }

                int pattern = value.IndexOfAny(ClassicPatternCharacters);
                if (pattern >= 0)
                {
                    throw Unsupported(text, valueStart + pattern, $"'{value[pattern]}' makes '{EngineLabels.Display(value)}' a classic Swarm pattern (a glob or regular expression)", $"Swarm mode compares values exactly (ignoring case) and has no patterns: write the exact value, for example storage==ssd, or give the nodes you want a common label. To match the text as it is, write {EngineLabels.Display(swarmPrefix + value)}.");
                }
            }

            for (int offset = 0; offset < value.Length; offset++)
            {
                char c = value[offset];
                if (IsAsciiLetterOrDigit(c) || ValueSymbols.IndexOf(c) >= 0)
                {
                    continue;
                }

                string hint = c == ','
                    ? " Swarm has no OR: give one value per constraint; several constraints must all hold."
                    : string.Empty;
                throw Unsupported(text, valueStart + offset, $"the value contains {Describe(text, valueStart + offset)}", "Docker takes only ASCII letters, digits, spaces and : - _ . * ( ) ? + [ ] \\ ^ $ | / in a constraint's value, so a label value with other characters cannot be constrained on." + hint);
            }

            return value;
        }

        private static SwarmException Invalid(string text, int index, string problem, string remedy) =>
            new SwarmException(InvalidId, SwarmErrorKind.InvalidArgument,
                $"Constraint '{EngineLabels.Display(text)}' is not valid: {problem} at position {Position(text, index)}. {remedy}", text);

        private static SwarmException Unsupported(string text, int index, string problem, string remedy) =>
            new SwarmException(UnsupportedId, SwarmErrorKind.InvalidArgument,
                $"Constraint '{EngineLabels.Display(text)}' cannot be expressed in swarm mode: {problem} at position {Position(text, index)}. {remedy} {SupportedForms}", text);

        /// <summary>The 1-based position of <paramref name="index"/>, counting a surrogate pair as one character.</summary>
        private static int Position(string text, int index)
        {
            int position = 1;
            for (int i = 0; i < index; i++)
            {
                if (i < text.Length && i > 0 && char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
                {
                    continue;
                }

                position++;
            }

            return position;
        }

        /// <summary>The character at <paramref name="index"/>, quoted and safe to show.</summary>
        private static string Describe(string text, int index)
        {
            char c = text[index];
            if (c == ' ')
            {
                return "a space";
            }

            if (char.IsControl(c) || (char.IsSurrogate(c) && !char.IsSurrogatePair(text, index)))
            {
                return "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
            }

            return "'" + (char.IsSurrogatePair(text, index) ? text.Substring(index, 2) : c.ToString()) + "'";
        }

        private static int SkipWhiteSpace(string text, int index)
        {
            while (index < text.Length && char.IsWhiteSpace(text[index]))
            {
                index++;
            }

            return index;
        }

        /// <summary>The end of <paramref name="text"/>[start..end) without trailing whitespace.</summary>
        private static int TrimEnd(string text, int start, int end)
        {
            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }

            return end;
        }

        private static bool HasAt(string text, int index, string ascii) =>
            text.Length - index >= ascii.Length && AsciiEqualsIgnoreCase(text.Substring(index, ascii.Length), ascii);

        private static bool AsciiStartsWithIgnoreCase(string text, string ascii) => HasAt(text, 0, ascii);

        /// <summary>Case-insensitive for ASCII only, so that no other script's letters pass for a field name.</summary>
        private static bool AsciiEqualsIgnoreCase(string text, string ascii)
        {
            if (text.Length != ascii.Length)
            {
                return false;
            }

            for (int index = 0; index < text.Length; index++)
            {
                if (text[index] >= 0x80 || char.ToLowerInvariant(text[index]) != char.ToLowerInvariant(ascii[index]))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsAsciiLetterOrDigit(char c)
        {
            return c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9';
        }
    }
}
