using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>A warning about the Compose files: a key swarm or SwarmPS does not act on, with where it was written.</summary>
    public sealed record ComposeWarning(string Message, ComposeMark Mark)
    {
        public override string ToString() => $"{Mark}: {Message}";
    }

    /// <summary>Compose files read, interpolated and merged into one document, with the warnings found on the way.</summary>
    public sealed class ComposeDocument
    {
        internal ComposeDocument(ComposeMapping root, string directory, IReadOnlyList<string> files)
        {
            Root = root;
            Directory = directory;
            Files = files;
        }

        /// <summary>The merged top-level mapping.</summary>
        public ComposeMapping Root { get; }

        /// <summary>The first file's folder: relative paths in every file are taken from it, as docker compose does.</summary>
        public string Directory { get; }

        public IReadOnlyList<string> Files { get; }
    }

    /// <summary>
    /// Reads Compose files as docker compose does: YAML (with anchors and merge keys) into a tree that remembers
    /// where each value was written, variables substituted from the environment and an env file, then several files
    /// merged by the Compose specification's rules: mappings merged key by key, sequences appended, command,
    /// entrypoint and healthcheck test replaced, ports, volumes, secrets and configs unique by their key, environment
    /// and labels merged by name whether written as lists or mappings, and the !reset and !override tags honoured.
    /// </summary>
    public static class ComposeReader
    {
        private const int MaxNodes = 200_000;
        private const int MaxDepth = 64;

        internal static readonly string[] TopLevelKeys = { "version", "name", "services", "networks", "volumes", "secrets", "configs", "include" };

        /// <summary>Reads and merges the files, in order.</summary>
        /// <param name="environment">Variables for substitution (the process environment, usually).</param>
        /// <param name="envFile">An env file whose variables are used where <paramref name="environment"/> has none; null for none.</param>
        /// <exception cref="SwarmException">ComposeFileNotFound, ComposeFileInvalid, ComposeVariableMissing.</exception>
        public static ComposeDocument Load(IReadOnlyList<string> paths, IReadOnlyDictionary<string, string> environment, string? envFile)
        {
            if (paths.Count == 0)
            {
                throw new SwarmException("ComposeFileNotFound", SwarmErrorKind.InvalidArgument, "No Compose file was given. Pass -Path compose.yml.");
            }

            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            if (envFile != null)
            {
                foreach (KeyValuePair<string, string> pair in EnvFile.Read(envFile))
                {
                    variables[pair.Key] = pair.Value;
                }
            }

            foreach (KeyValuePair<string, string> pair in environment)
            {
                variables[pair.Key] = pair.Value;
            }

            ComposeMapping? merged = null;
            foreach (string path in paths)
            {
                if (!File.Exists(path))
                {
                    throw new SwarmException("ComposeFileNotFound", SwarmErrorKind.ObjectNotFound, $"Compose file '{path}' does not exist. Check the -Path.", path);
                }

                ComposeMapping root = Interpolate(Parse(File.ReadAllText(path), path), v => variables.GetValueOrDefault(v));
                merged = merged == null ? root : ComposeMerge.Merge(merged, root);
            }

            string directory = Path.GetDirectoryName(Path.GetFullPath(paths[0])) ?? Environment.CurrentDirectory;
            return new ComposeDocument(ComposeMerge.StripTags(merged!), directory, paths.ToList());
        }

        /// <summary>Parses one file's text; every failure is ComposeFileInvalid naming the file, line and column.</summary>
        public static ComposeMapping Parse(string text, string file)
        {
            ComposeNode? root;
            try
            {
                IParser parser = new Parser(new StringReader(text));
                parser.Consume<StreamStart>();
                if (parser.Accept<StreamEnd>(out _))
                {
                    return new ComposeMapping(Array.Empty<ComposeEntry>(), new ComposeMark(file, 1, 1));
                }

                parser.Consume<DocumentStart>();
                var anchors = new Dictionary<string, ComposeNode>(StringComparer.Ordinal);
                int count = 0;
                root = Read(parser, file, anchors, 0, ref count);
                parser.Consume<DocumentEnd>();
                if (!parser.Accept<StreamEnd>(out _))
                {
                    ParsingEvent next = parser.Current!;
                    throw Invalid(new ComposeMark(file, (int)next.Start.Line, (int)next.Start.Column), "a second YAML document ('---') follows; a Compose file holds one");
                }
            }
            catch (YamlException failure)
            {
                throw Invalid(new ComposeMark(file, (int)failure.Start.Line, (int)failure.Start.Column), Reason(failure), failure);
            }
            catch (Exception failure) when (failure is InvalidOperationException or ArgumentException or FormatException or OverflowException or KeyNotFoundException)
            {
                throw Invalid(new ComposeMark(file, 1, 1), "the YAML could not be read: " + failure.Message, failure);
            }

            if (root is ComposeScalar { Value: null })
            {
                return new ComposeMapping(Array.Empty<ComposeEntry>(), root.Mark);
            }

            if (root is not ComposeMapping mapping)
            {
                throw Invalid(root!.Mark, "the file is not a mapping of keys such as services:");
            }

            foreach (ComposeEntry entry in mapping.Entries)
            {
                if (!TopLevelKeys.Contains(entry.Key) && !entry.Key.StartsWith("x-", StringComparison.Ordinal))
                {
                    throw Invalid(entry.KeyMark, $"'{entry.Key}' is not a top-level Compose key. The keys are {string.Join(", ", TopLevelKeys)}, and extensions starting with x-");
                }
            }

            return mapping;
        }

        private static string Reason(YamlException failure)
        {
            string message = failure.InnerException?.Message ?? failure.Message;
            int close = message.IndexOf("): ", StringComparison.Ordinal);
            return close >= 0 && message.StartsWith("(", StringComparison.Ordinal) ? message.Substring(close + 3) : message;
        }

        private static ComposeNode Read(IParser parser, string file, Dictionary<string, ComposeNode> anchors, int depth, ref int count)
        {
            ParsingEvent current = parser.Current ?? throw new YamlException("unexpected end of the YAML");
            var mark = new ComposeMark(file, (int)current.Start.Line, (int)current.Start.Column);
            if (++count > MaxNodes)
            {
                throw Invalid(mark, $"the document has more than {MaxNodes} values (aliases that expand without end?)");
            }

            if (depth > MaxDepth)
            {
                throw Invalid(mark, $"values are nested more than {MaxDepth} deep");
            }

            switch (current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (!anchors.TryGetValue(alias.Value.Value, out ComposeNode? target))
                    {
                        throw Invalid(mark, $"the alias *{alias.Value.Value} names no anchor written before it");
                    }

                    count += 1;
                    return target;
                case Scalar scalar:
                {
                    parser.MoveNext();
                    bool quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
                    bool isNull = !quoted && scalar.Tag.IsEmpty && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
                    var node = new ComposeScalar(isNull ? null : scalar.Value, quoted, mark, TagOf(scalar.Tag));
                    Remember(anchors, scalar.Anchor, node);
                    return node;
                }

                case SequenceStart start:
                {
                    parser.MoveNext();
                    var items = new List<ComposeNode>();
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        items.Add(Read(parser, file, anchors, depth + 1, ref count));
                    }

                    var node = new ComposeSequence(items, mark, TagOf(start.Tag));
                    Remember(anchors, start.Anchor, node);
                    return node;
                }

                case MappingStart start:
                {
                    parser.MoveNext();
                    var entries = new List<ComposeEntry>();
                    var merged = new List<ComposeEntry>();
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        ComposeNode key = Read(parser, file, anchors, depth + 1, ref count);
                        if (key is not ComposeScalar keyScalar)
                        {
                            throw Invalid(key.Mark, "a key is a list or a mapping; keys are plain text");
                        }

                        string name = keyScalar.Value ?? string.Empty;
                        ComposeNode value = Read(parser, file, anchors, depth + 1, ref count);
                        if (name == "<<" && !keyScalar.Quoted)
                        {
                            // YAML's merge key: the keys of the mapping(s) it names, unless the mapping writes them itself.
                            IEnumerable<ComposeNode> sources = value is ComposeSequence list ? list.Items : new[] { value };
                            foreach (ComposeNode source in sources)
                            {
                                if (source is not ComposeMapping from)
                                {
                                    throw Invalid(source.Mark, "a merge key (<<) takes a mapping or a list of mappings");
                                }

                                merged.AddRange(from.Entries.Where(e => merged.All(m => m.Key != e.Key)));
                            }

                            continue;
                        }

                        if (entries.Any(e => e.Key == name))
                        {
                            throw Invalid(key.Mark, $"the key '{name}' is written twice in the same mapping");
                        }

                        entries.Add(new ComposeEntry(name, key.Mark, value));
                    }

                    entries.AddRange(merged.Where(m => entries.All(e => e.Key != m.Key)));
                    var node = new ComposeMapping(entries, mark, TagOf(start.Tag));
                    Remember(anchors, start.Anchor, node);
                    return node;
                }

                default:
                    throw Invalid(mark, $"unexpected YAML ({current.GetType().Name})");
            }
        }

        private static void Remember(Dictionary<string, ComposeNode> anchors, AnchorName anchor, ComposeNode node)
        {
            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = node;
            }
        }

        private static string? TagOf(TagName tag) => tag.IsEmpty || tag.IsNonSpecific ? null : tag.Value;

        private static ComposeMapping Interpolate(ComposeMapping root, Func<string, string?> lookup) =>
            (ComposeMapping)InterpolateNode(root, lookup, extension: false);

        // As docker compose: values are substituted, keys are not; x- extensions are left as written.
        private static ComposeNode InterpolateNode(ComposeNode node, Func<string, string?> lookup, bool extension) => node switch
        {
            ComposeScalar { Value: not null } scalar when !extension =>
                new ComposeScalar(ComposeInterpolation.Interpolate(scalar.Value, lookup, scalar.Mark), scalar.Quoted, scalar.Mark, scalar.Tag),
            ComposeSequence sequence => new ComposeSequence(sequence.Items.Select(i => InterpolateNode(i, lookup, extension)).ToList(), sequence.Mark, sequence.Tag),
            ComposeMapping mapping => new ComposeMapping(mapping.Entries
                .Select(e => e with { Value = InterpolateNode(e.Value, lookup, extension || e.Key.StartsWith("x-", StringComparison.Ordinal)) }).ToList(), mapping.Mark, mapping.Tag),
            _ => node,
        };

        internal static SwarmException Invalid(ComposeMark mark, string why, Exception? inner = null) =>
            new SwarmException("ComposeFileInvalid", SwarmErrorKind.InvalidData, $"{mark}: {why}.", mark.File, inner);
    }
}
