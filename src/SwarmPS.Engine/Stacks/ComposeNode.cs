using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>Where a node of a Compose file was written: file, line and column (from 1).</summary>
    public sealed record ComposeMark(string File, int Line, int Column)
    {
        public override string ToString() => $"{File}:{Line}:{Column}";
    }

    /// <summary>
    /// A Compose document as read, before it is mapped: mappings, sequences and scalars that remember where they
    /// were written, so that every warning and error can name file, line and column even after files are merged.
    /// </summary>
    public abstract class ComposeNode
    {
        protected ComposeNode(ComposeMark mark, string? tag)
        {
            Mark = mark;
            Tag = tag;
        }

        public ComposeMark Mark { get; }

        /// <summary>A YAML tag the merge acts on (!reset, !override); null for none.</summary>
        public string? Tag { get; }
    }

    /// <summary>A scalar; <see cref="Value"/> is null for YAML null (~, null or nothing).</summary>
    public sealed class ComposeScalar : ComposeNode
    {
        public ComposeScalar(string? value, bool quoted, ComposeMark mark, string? tag = null)
            : base(mark, tag)
        {
            Value = value;
            Quoted = quoted;
        }

        public string? Value { get; }

        /// <summary>Written in quotes: never null, never a boolean or number by YAML's rules.</summary>
        public bool Quoted { get; }

        public override string ToString() => Value ?? string.Empty;
    }

    public sealed class ComposeSequence : ComposeNode
    {
        public ComposeSequence(IReadOnlyList<ComposeNode> items, ComposeMark mark, string? tag = null)
            : base(mark, tag)
        {
            Items = items;
        }

        public IReadOnlyList<ComposeNode> Items { get; }
    }

    /// <summary>One key of a mapping with where the key was written.</summary>
    public sealed record ComposeEntry(string Key, ComposeMark KeyMark, ComposeNode Value);

    /// <summary>A mapping in the order it was written; keys are unique.</summary>
    public sealed class ComposeMapping : ComposeNode
    {
        private readonly Dictionary<string, ComposeEntry> byKey;

        public ComposeMapping(IReadOnlyList<ComposeEntry> entries, ComposeMark mark, string? tag = null)
            : base(mark, tag)
        {
            Entries = entries;
            byKey = new Dictionary<string, ComposeEntry>(StringComparer.Ordinal);
            foreach (ComposeEntry entry in entries)
            {
                byKey[entry.Key] = entry;
            }
        }

        public IReadOnlyList<ComposeEntry> Entries { get; }

        public IEnumerable<string> Keys => Entries.Select(e => e.Key);

        public ComposeNode? this[string key] => byKey.TryGetValue(key, out ComposeEntry? entry) ? entry.Value : null;

        public ComposeEntry? Entry(string key) => byKey.GetValueOrDefault(key);
    }
}
