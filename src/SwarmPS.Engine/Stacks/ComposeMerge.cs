using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>
    /// Merges Compose documents by the Compose specification's merge rules (see <see cref="ComposeReader"/>).
    /// Lists and mappings are merged in their expanded form, so <c>environment: [A=1]</c> and <c>environment: {A: 2}</c>
    /// meet as one mapping, and a port written short meets the same port written long.
    /// </summary>
    public static class ComposeMerge
    {
        private const string Reset = "!reset";
        private const string Override = "!override";

        private static readonly string[] Replaced = { "command", "entrypoint" };
        private static readonly string[] KeyedLists = { "environment", "labels" };

        public static ComposeMapping Merge(ComposeMapping baseRoot, ComposeMapping overrideRoot) =>
            MergeMapping(baseRoot, overrideRoot, path: string.Empty);

        private static ComposeNode? MergeValue(ComposeNode? baseValue, ComposeNode over, string path)
        {
            if (over.Tag == Reset)
            {
                return null;
            }

            if (baseValue == null || over.Tag == Override)
            {
                return over;
            }

            string key = path.Substring(path.LastIndexOf('.') + 1);
            bool inService = path.StartsWith("services.", StringComparison.Ordinal) && path.Count(c => c == '.') == 2;
            if (inService && Replaced.Contains(key) || path.EndsWith(".healthcheck.test", StringComparison.Ordinal) && path.StartsWith("services.", StringComparison.Ordinal))
            {
                return over;
            }

            if ((inService || path.EndsWith(".deploy.labels", StringComparison.Ordinal)) && KeyedLists.Contains(key))
            {
                return MergeMapping(AsMapping(baseValue), AsMapping(over), path);
            }

            if (inService && key is "ports" or "volumes" or "secrets" or "configs" && baseValue is ComposeSequence baseList && over is ComposeSequence overList)
            {
                return MergeUnique(baseList, overList, key);
            }

            return (baseValue, over) switch
            {
                (ComposeMapping b, ComposeMapping o) => MergeMapping(b, o, path),
                (ComposeSequence b, ComposeSequence o) => new ComposeSequence(b.Items.Concat(o.Items).ToList(), o.Mark, o.Tag),
                _ => over,
            };
        }

        private static ComposeMapping MergeMapping(ComposeMapping baseMap, ComposeMapping over, string path)
        {
            var entries = new List<ComposeEntry>();
            foreach (ComposeEntry entry in baseMap.Entries)
            {
                ComposeEntry? other = over.Entry(entry.Key);
                if (other == null)
                {
                    entries.Add(entry);
                    continue;
                }

                ComposeNode? merged = MergeValue(entry.Value, other.Value, path.Length == 0 ? entry.Key : path + "." + entry.Key);
                if (merged != null)
                {
                    entries.Add(new ComposeEntry(entry.Key, other.KeyMark, merged));
                }
            }

            foreach (ComposeEntry entry in over.Entries.Where(e => baseMap.Entry(e.Key) == null && e.Value.Tag != Reset))
            {
                entries.Add(entry);
            }

            return new ComposeMapping(entries, baseMap.Mark, baseMap.Tag);
        }

        /// <summary>Appends the entries of a unique list whose key is new, and replaces (merging long forms) those whose key is taken.</summary>
        private static ComposeSequence MergeUnique(ComposeSequence baseList, ComposeSequence over, string attribute)
        {
            var items = baseList.Items.ToList();
            foreach (ComposeNode item in over.Items)
            {
                string? key = UniqueKey(item, attribute);
                int index = key == null ? -1 : items.FindIndex(i => UniqueKey(i, attribute) == key);
                if (index < 0)
                {
                    items.Add(item);
                }
                else
                {
                    items[index] = items[index] is ComposeMapping b && item is ComposeMapping o ? MergeMapping(b, o, attribute) : item;
                }
            }

            return new ComposeSequence(items, over.Mark, over.Tag);
        }

        /// <summary>The unique key of a list entry: volumes by target, secrets and configs by target, ports by ip, target, published and protocol.</summary>
        internal static string? UniqueKey(ComposeNode item, string attribute)
        {
            switch (attribute)
            {
                case "volumes":
                    if (item is ComposeScalar { Value: not null } volume)
                    {
                        string[] parts = volume.Value.Split(':');
                        return parts.Length == 1 ? parts[0] : parts[1];
                    }

                    return (item as ComposeMapping)?["target"]?.ToString();
                case "secrets":
                case "configs":
                    if (item is ComposeScalar { Value: not null } reference)
                    {
                        return reference.Value;
                    }

                    return (item as ComposeMapping)?["target"]?.ToString() ?? (item as ComposeMapping)?["source"]?.ToString();
                case "ports":
                    try
                    {
                        ComposePort port = ComposePort.Parse(item).First();
                        return $"{port.HostIp}|{port.Target}|{port.Published}|{port.Protocol}";
                    }
                    catch (SwarmException)
                    {
                        return null;
                    }

                default:
                    return null;
            }
        }

        /// <summary>environment or labels as a mapping: a list of KEY=VALUE (or KEY alone, for null) becomes one.</summary>
        internal static ComposeMapping AsMapping(ComposeNode node)
        {
            if (node is ComposeMapping mapping)
            {
                return mapping;
            }

            var entries = new List<ComposeEntry>();
            if (node is ComposeSequence list)
            {
                foreach (ComposeNode item in list.Items)
                {
                    string text = item.ToString() ?? string.Empty;
                    int equals = text.IndexOf('=');
                    string key = equals < 0 ? text : text.Substring(0, equals);
                    ComposeNode value = new ComposeScalar(equals < 0 ? null : text.Substring(equals + 1), quoted: true, item.Mark);
                    entries.RemoveAll(e => e.Key == key);
                    entries.Add(new ComposeEntry(key, item.Mark, value));
                }
            }
            else if (node is not ComposeScalar { Value: null })
            {
                throw ComposeReader.Invalid(node.Mark, "expected a list of KEY=VALUE or a mapping of KEY: VALUE");
            }

            return new ComposeMapping(entries, node.Mark, node.Tag);
        }

        /// <summary>Drops the !reset entries a single file may hold and forgets the merge tags.</summary>
        internal static ComposeMapping StripTags(ComposeMapping root) => (ComposeMapping)Strip(root)!;

        private static ComposeNode? Strip(ComposeNode node) => node.Tag == Reset ? null : node switch
        {
            ComposeMapping m => new ComposeMapping(m.Entries.Select(e => (Entry: e, Value: Strip(e.Value))).Where(p => p.Value != null)
                .Select(p => p.Entry with { Value = p.Value! }).ToList(), m.Mark),
            ComposeSequence s => new ComposeSequence(s.Items.Select(Strip).Where(i => i != null).ToList()!, s.Mark),
            ComposeScalar c when c.Tag is Override => new ComposeScalar(c.Value, c.Quoted, c.Mark),
            _ => node,
        };
    }
}
