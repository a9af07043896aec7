using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>Parses and validates Docker engine labels given as <c>key=value</c> strings.</summary>
    public static class EngineLabels
    {
        private const int MaximumDisplayLength = 80;

        /// <summary>
        /// Parses <c>key=value</c> strings (the value may contain '='; whitespace around key and value is trimmed) into
        /// labels in the order given. A key repeated with the same value counts once.
        /// </summary>
        /// <exception cref="SwarmException">LabelInvalid for a malformed label; LabelDuplicate for a key given with two different values.</exception>
        public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> keyValueStrings)
        {
            ArgumentNullException.ThrowIfNull(keyValueStrings);
            var labels = new LabelSet();
            foreach (string? text in keyValueStrings)
            {
                int separator = text is null ? -1 : text.IndexOf('=');
                string key = separator < 0 ? string.Empty : text!.Substring(0, separator).Trim();
                if (key.Length == 0)
                {
                    throw new SwarmException(
                        "LabelInvalid",
                        SwarmErrorKind.InvalidArgument,
                        $"Label '{Display(text ?? string.Empty)}' is not in the form key=value, for example storage=ssd.",
                        text);
                }

                string value = text!.Substring(separator + 1).Trim();
                Validate(key, value);
                if (labels.TryGetValue(key, out string? earlier) && earlier != value)
                {
                    throw new SwarmException(
                        "LabelDuplicate",
                        SwarmErrorKind.InvalidArgument,
                        $"Label '{Display(key)}' is given twice, as '{Display(earlier)}' and as '{Display(value)}'. Give each key once.",
                        key);
                }

                labels.Set(key, value);
            }

            return labels;
        }

        /// <summary>
        /// Checks one label. The key uses only ASCII letters, digits, '.', '-', '_' and '/', and starts and ends with a
        /// letter or digit; the value is non-empty printable single-line text without surrounding whitespace.
        /// </summary>
        /// <exception cref="SwarmException">LabelInvalid, saying what is wrong and what would be right.</exception>
        /// <summary>
        /// Reads the labels an engine reports (docker info's "key=value" list) without judging them: what the
        /// engine already has is shown as it is, never refused.
        /// </summary>
        public static IReadOnlyDictionary<string, string> FromEngineList(IEnumerable<string>? reported)
        {
            var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (string label in reported ?? Array.Empty<string>())
            {
                int equals = label.IndexOf('=');
                if (equals > 0)
                {
                    labels[label.Substring(0, equals)] = label.Substring(equals + 1);
                }
            }

            return labels;
        }

        public static void Validate(string key, string value)
        {
            key ??= string.Empty;
            if (!IsValidKey(key))
            {
                throw new SwarmException(
                    "LabelInvalid",
                    SwarmErrorKind.InvalidArgument,
                    $"Label key '{Display(key)}' is not valid: use only letters, digits, '.', '-', '_' and '/', starting and ending with a letter or digit, for example com.example.storage=ssd.",
                    key);
            }

            if (string.IsNullOrEmpty(value))
            {
                throw new SwarmException(
                    "LabelInvalid",
                    SwarmErrorKind.InvalidArgument,
                    $"Label '{key}' has no value. Give one after '=', for example {key}=ssd.",
                    key);
            }

            if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
            {
                throw new SwarmException(
                    "LabelInvalid",
                    SwarmErrorKind.InvalidArgument,
                    $"The value '{Display(value)}' of label '{key}' starts or ends with whitespace. Remove it, for example {key}=ssd.",
                    key);
            }

            for (int index = 0; index < value.Length; index++)
            {
                char c = value[index];
                if (char.IsControl(c))
                {
                    throw new SwarmException(
                        "LabelInvalid",
                        SwarmErrorKind.InvalidArgument,
                        $"The value '{Display(value)}' of label '{key}' contains a line break or another control character. Use a single line of printable text.",
                        key);
                }

                // A lone surrogate cannot be written as UTF-8 into daemon.json.
                if (char.IsSurrogate(c) && !char.IsSurrogatePair(value, index))
                {
                    throw new SwarmException(
                        "LabelInvalid",
                        SwarmErrorKind.InvalidArgument,
                        $"The value '{Display(value)}' of label '{key}' is not valid Unicode text.",
                        key);
                }

                if (char.IsHighSurrogate(c))
                {
                    index++;
                }
            }
        }

        private static bool IsValidKey(string key)
        {
            if (key.Length == 0 || !IsAsciiLetterOrDigit(key[0]) || !IsAsciiLetterOrDigit(key[^1]))
            {
                return false;
            }

            foreach (char c in key)
            {
                if (!IsAsciiLetterOrDigit(c) && c != '.' && c != '-' && c != '_' && c != '/')
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

        /// <summary>Makes user input safe to quote in a message: control characters and lone surrogates become \uXXXX, long text is cut.</summary>
        internal static string Display(string text)
        {
            var builder = new StringBuilder();
            int index = 0;
            for (; index < text.Length && builder.Length < MaximumDisplayLength; index++)
            {
                char c = text[index];
                if (char.IsSurrogatePair(text, index))
                {
                    builder.Append(c).Append(text[++index]);
                }
                else if (char.IsControl(c) || char.IsSurrogate(c))
                {
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }
            }

            return index < text.Length ? builder.Append("...").ToString() : builder.ToString();
        }
    }

    /// <summary>Labels that keep their insertion order, so rendered files list them as given.</summary>
    internal sealed class LabelSet : IReadOnlyDictionary<string, string>
    {
        private readonly List<string> orderedKeys = new List<string>();
        private readonly Dictionary<string, string> values = new Dictionary<string, string>(StringComparer.Ordinal);

        public int Count => orderedKeys.Count;

        public IEnumerable<string> Keys => orderedKeys;

        public IEnumerable<string> Values
        {
            get
            {
                foreach (string key in orderedKeys)
                {
                    yield return values[key];
                }
            }
        }

        public string this[string key] => values[key];

        /// <summary>Replaces the value of an existing key in place, or appends a new key.</summary>
        public void Set(string key, string value)
        {
            if (!values.ContainsKey(key))
            {
                orderedKeys.Add(key);
            }

            values[key] = value;
        }

        public bool ContainsKey(string key) => values.ContainsKey(key);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => values.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            foreach (string key in orderedKeys)
            {
                yield return new KeyValuePair<string, string>(key, values[key]);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
