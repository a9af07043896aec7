using System;
using System.Collections.Generic;
using System.IO;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>
    /// An env file as Compose reads it: one KEY=VALUE a line, <c>export </c> allowed before the key, # comments and
    /// blank lines skipped, values optionally in single quotes (taken as written) or double quotes (with \n, \t, \" and \\).
    /// A line with a key and no '=' is skipped, as it names a variable to take from the environment.
    /// </summary>
    public static class EnvFile
    {
        public static IReadOnlyList<KeyValuePair<string, string>> Read(string path)
        {
            if (!File.Exists(path))
            {
                throw new SwarmException("ComposeFileNotFound", SwarmErrorKind.ObjectNotFound, $"Env file '{path}' does not exist. Check the path.", path);
            }

            return Parse(File.ReadAllLines(path), path);
        }

        public static IReadOnlyList<KeyValuePair<string, string>> Parse(IReadOnlyList<string> lines, string path)
        {
            var result = new List<KeyValuePair<string, string>>();
            for (int number = 1; number <= lines.Count; number++)
            {
                string line = lines[number - 1].Trim();
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                if (line.StartsWith("export ", StringComparison.Ordinal))
                {
                    line = line.Substring(7).TrimStart();
                }

                int equals = line.IndexOf('=');
                string key = (equals < 0 ? line : line.Substring(0, equals)).Trim();
                if (key.Length == 0 || key.IndexOfAny(new[] { ' ', '\t' }) >= 0)
                {
                    throw new SwarmException("ComposeFileInvalid", SwarmErrorKind.InvalidData,
                        $"{path}:{number}:1: '{line}' is not KEY=VALUE. Write one variable a line, for example TAG=1.2.", path);
                }

                if (equals < 0)
                {
                    continue;
                }

                result.Add(new KeyValuePair<string, string>(key, Value(line.Substring(equals + 1).Trim())));
            }

            return result;
        }

        private static string Value(string raw)
        {
            if (raw.Length >= 2 && raw[0] == '\'' && raw[^1] == '\'')
            {
                return raw.Substring(1, raw.Length - 2);
            }

            if (raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"')
            {
                return raw.Substring(1, raw.Length - 2).Replace("\\n", "\n").Replace("\\t", "\t").Replace("\\\"", "\"").Replace("\\\\", "\\");
            }

            int comment = raw.IndexOf(" #", StringComparison.Ordinal);
            return comment >= 0 ? raw.Substring(0, comment).TrimEnd() : raw;
        }
    }
}
