using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace SwarmPS.Engine.Objects
{
    /// <summary>The two kinds of swarm objects a container mounts as files: secrets (/run/secrets/TARGET) and configs (/TARGET or an absolute path).</summary>
    public enum ObjectKind
    {
        Secret,
        Config,
    }

    /// <summary>
    /// A container's reference to a cluster secret or config, in the Docker CLI's --secret/--config syntax:
    /// <c>db_password</c>, or <c>source=db_password,target=db_pw,uid=0,gid=0,mode=0400</c> (docker/cli opts/secret.go
    /// and opts/config.go). <see cref="Id"/> is filled in once the object is found in the cluster.
    /// </summary>
    public sealed record ObjectReference
    {
        /// <summary>Mode 0444, the Docker CLI's default.</summary>
        public const uint DefaultMode = 0x124;

        public ObjectKind Kind { get; init; }

        /// <summary>The secret's or config's name in the cluster.</summary>
        public string Source { get; init; } = string.Empty;

        /// <summary>The file name in the container: under /run/secrets for a secret; for a config, an absolute path or a name under /.</summary>
        public string Target { get; init; } = string.Empty;

        public string Uid { get; init; } = "0";

        public string Gid { get; init; } = "0";

        public uint Mode { get; init; } = DefaultMode;

        /// <summary>The object's id in the cluster; empty until resolved.</summary>
        public string Id { get; init; } = string.Empty;

        /// <summary>Where the file appears in the container.</summary>
        public string Path => Kind == ObjectKind.Secret
            ? (Target.StartsWith("/", StringComparison.Ordinal) ? Target : "/run/secrets/" + Target)
            : (Target.StartsWith("/", StringComparison.Ordinal) ? Target : "/" + Target);

        /// <summary>source->target uid:gid mode, as the plans show it (never a value: a reference has none).</summary>
        public override string ToString() => $"{Source}->{Target} {Uid}:{Gid} {Convert.ToString(Mode, 8).PadLeft(4, '0')}";

        /// <summary>"secret" or "config", for messages.</summary>
        public static string Noun(ObjectKind kind) => kind == ObjectKind.Secret ? "secret" : "config";

        /// <summary>Parses one reference as docker service create --secret/--config does; SecretInvalid/ConfigInvalid otherwise.</summary>
        public static ObjectReference Parse(string text, ObjectKind kind)
        {
            string noun = Noun(kind);
            string parameter = kind == ObjectKind.Secret ? "-Secret" : "-Config";
            string id = kind == ObjectKind.Secret ? "SecretInvalid" : "ConfigInvalid";
            string example = $"{parameter} db_password or {parameter} source=db_password,target=db_pw,uid=0,gid=0,mode=0400";
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument, $"A {noun} reference must not be empty. Write {example}.", parameter);
            }

            IReadOnlyList<string> fields = SplitCsv(text.Trim(), id, example, noun, parameter);
            if (fields.Count == 1 && !fields[0].Contains('='))
            {
                string name = RequireName(fields[0], kind, id);
                return new ObjectReference { Kind = kind, Source = name, Target = name };
            }

            // Unknown keys first, naming only the key: a plain name=value (the old inline form) must not echo its value anywhere.
            foreach (string field in fields)
            {
                int equals = field.IndexOf('=');
                string key = equals <= 0 ? string.Empty : field.Substring(0, equals).Trim().ToLowerInvariant();
                if (equals <= 0)
                {
                    throw new SwarmException(id, SwarmErrorKind.InvalidArgument,
                        $"A {noun} reference with several fields takes key=value pairs only (one field of it is not). Write {example}.", parameter);
                }

                if (key is not ("source" or "src" or "target" or "uid" or "gid" or "mode"))
                {
                    throw new SwarmException(id, SwarmErrorKind.InvalidArgument,
                        $"'{key}' is not a field of a {noun} reference: the fields are source (or src), target, uid, gid and mode, as in {example}."
                        + (kind == ObjectKind.Secret ? " A value is never given in a reference: create the secret first (New-SwarmSecret -Name db_password -Value $secureString), or pass a hashtable of names to SecureStrings to -Secret." : string.Empty),
                        key);
                }
            }

            string source = string.Empty, target = string.Empty, uid = "0", gid = "0";
            uint mode = DefaultMode;
            foreach (string field in fields)
            {
                int equals = field.IndexOf('=');
                string key = field.Substring(0, equals).Trim().ToLowerInvariant();
                string value = field.Substring(equals + 1).Trim();
                switch (key)
                {
                    case "source":
                    case "src":
                        source = value;
                        break;
                    case "target":
                        target = value;
                        break;
                    case "uid":
                        uid = RequireNumber(value, "uid", source, id, noun);
                        break;
                    case "gid":
                        gid = RequireNumber(value, "gid", source, id, noun);
                        break;
                    case "mode":
                        mode = ParseMode(value, source, id, noun);
                        break;
                }
            }

            if (source.Length == 0)
            {
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument, $"A {noun} reference has no source: say which {noun} with source=NAME, as in {example}.", parameter);
            }

            RequireName(source, kind, id);
            target = target.Length == 0 ? source : target;
            if (kind == ObjectKind.Secret && (target.Contains("..") || target.EndsWith("/", StringComparison.Ordinal)))
            {
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument, $"The target '{target}' of secret '{source}' must be a file name (under /run/secrets) or an absolute file path, without '..'.", source);
            }

            return new ObjectReference { Kind = kind, Source = source, Target = target, Uid = uid, Gid = gid, Mode = mode };
        }

        /// <summary>Parses every reference and refuses two with the same target (docker/cli: "duplicate secret target").</summary>
        public static IReadOnlyList<ObjectReference> ParseAll(IEnumerable<string> texts, ObjectKind kind)
        {
            List<ObjectReference> references = texts.Select(t => Parse(t, kind)).ToList();
            RequireDistinctTargets(references, kind);
            return references;
        }

        /// <summary>SecretTargetDuplicate/ConfigTargetDuplicate when two references would write the same file.</summary>
        public static void RequireDistinctTargets(IEnumerable<ObjectReference> references, ObjectKind kind)
        {
            IGrouping<string, ObjectReference>? twice = references.GroupBy(r => r.Path, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (twice != null)
            {
                string noun = Noun(kind);
                string sources = string.Join(" and ", twice.Select(r => $"'{r.Source}'"));
                throw new SwarmException(kind == ObjectKind.Secret ? "SecretTargetDuplicate" : "ConfigTargetDuplicate", SwarmErrorKind.InvalidArgument,
                    $"The {noun}s {sources} would both be mounted at {twice.Key}: a container takes one {noun} per target. Give each its own target (source=NAME,target=OTHER) or leave one out.",
                    twice.Key);
            }
        }

        /// <summary>
        /// A valid secret or config name, as swarmkit checks it: 1 to 64 of [a-zA-Z0-9-_.], starting and ending with a
        /// letter or digit (manager/controlapi validateConfigOrSecretAnnotations).
        /// </summary>
        public static string RequireName(string? name, ObjectKind kind, string id)
        {
            if (name == null || name.Length == 0 || name.Length > 64 || !ValidName.IsMatch(name))
            {
                string noun = Noun(kind);
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument,
                    $"'{name}' is not a valid {noun} name: use 1 to 64 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, such as db_password or db_password_v2.",
                    name);
            }

            return name;
        }

        private static readonly Regex ValidName = new Regex("^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$", RegexOptions.CultureInvariant);

        private static string RequireNumber(string value, string field, string source, string id, string noun)
        {
            if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument, $"The {field} '{value}' of a {noun} reference is not a number: give a numeric user or group id, such as {field}=1000.", source.Length > 0 ? source : field);
            }

            return value;
        }

        /// <summary>A file mode as Go's strconv.ParseUint(value, 0, 32) reads it: 0400 is octal, 0x124 hex, 292 decimal.</summary>
        private static uint ParseMode(string value, string source, string id, string noun)
        {
            try
            {
                uint mode = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.ToUInt32(value.Substring(2), 16)
                    : value.StartsWith("0o", StringComparison.OrdinalIgnoreCase) ? Convert.ToUInt32(value.Substring(2), 8)
                    : value.Length > 1 && value[0] == '0' ? Convert.ToUInt32(value.Substring(1), 8)
                    : uint.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                if (mode <= 0xFFF)
                {
                    return mode;
                }
            }
            catch (Exception invalid) when (invalid is FormatException or OverflowException or ArgumentException)
            {
                // Reported below with the accepted forms.
            }

            throw new SwarmException(id, SwarmErrorKind.InvalidArgument, $"The mode '{value}' of a {noun} reference is not a file mode: write it in octal, such as mode=0400 or mode=0444.", source.Length > 0 ? source : "mode");
        }

        /// <summary>One CSV record, quotes allowed around a field, as Go's encoding/csv reads the Docker CLI's flag.</summary>
        private static IReadOnlyList<string> SplitCsv(string text, string id, string example, string noun, string parameter)
        {
            var fields = new List<string>();
            var current = new System.Text.StringBuilder();
            bool quoted = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '"' && quoted && i + 1 < text.Length && text[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (c == ',' && !quoted)
                {
                    fields.Add(current.ToString());
                    current.Clear();
                }
                else
                {
                    current.Append(c);
                }
            }

            if (quoted)
            {
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument, $"A quote is not closed in a {noun} reference. Write {example}.", parameter);
            }

            fields.Add(current.ToString());
            return fields;
        }
    }
}
