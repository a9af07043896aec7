using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>
    /// A YAML tree to write, in the order it is built, with comments: what <see cref="StackWriter"/> fills and
    /// YamlDotNet's emitter writes. Text that YAML would read as something other than text (3600, true, 1000:1000,
    /// 0.5, null) is quoted, so the Docker CLI's schema, which wants strings there, accepts the file.
    /// </summary>
    internal abstract class YamlValue
    {
        internal abstract void Emit(IEmitter emitter);
    }

    internal sealed class YamlText : YamlValue
    {
        // YAML 1.1 (the Docker CLI's go-yaml v2) reads these plain as booleans, null or numbers; sexagesimal 1000:1000 too.
        private static readonly Regex NotText = new Regex(@"^([-+.]?[0-9].*|[-+]?\.(inf|Inf|INF|nan|NaN|NAN)|~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|<<|=)$", RegexOptions.CultureInvariant);

        internal YamlText(string? value, bool raw = false)
        {
            Value = value;
            Raw = raw;
        }

        /// <summary>Null writes YAML's null (nothing after the key).</summary>
        internal string? Value { get; }

        /// <summary>A number or boolean written as such.</summary>
        internal bool Raw { get; }

        internal static bool NeedsQuotes(string value) => value.Length == 0 || value.Trim() != value || NotText.IsMatch(value);

        internal override void Emit(IEmitter emitter)
        {
            if (Value == null)
            {
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                return;
            }

            ScalarStyle style = !Raw && NeedsQuotes(Value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
            emitter.Emit(new Scalar(null, null, Value, style, true, true));
        }
    }

    internal sealed class YamlList : YamlValue
    {
        private readonly List<YamlValue> items = new List<YamlValue>();

        internal YamlList(bool flow = false) => Flow = flow;

        internal bool Flow { get; }

        internal int Count => items.Count;

        internal YamlList Add(YamlValue item)
        {
            items.Add(item);
            return this;
        }

        internal static YamlList Of(IEnumerable<string> texts, bool flow)
        {
            var list = new YamlList(flow);
            foreach (string text in texts)
            {
                list.Add(new YamlText(text));
            }

            return list;
        }

        internal override void Emit(IEmitter emitter)
        {
            emitter.Emit(new SequenceStart(null, null, true, Flow ? SequenceStyle.Flow : SequenceStyle.Block));
            foreach (YamlValue item in items)
            {
                item.Emit(emitter);
            }

            emitter.Emit(new SequenceEnd());
        }
    }

    internal sealed class YamlMap : YamlValue
    {
        private readonly List<(string Key, YamlValue Value, string? Comment)> entries = new List<(string, YamlValue, string?)>();

        internal int Count => entries.Count;

        internal bool Has(string key) => entries.Any(e => e.Key == key);

        internal IEnumerable<string> KeysOf() => entries.Select(e => e.Key);

        /// <summary>Adds the key; a comment is written on the lines above it.</summary>
        internal YamlMap Add(string key, YamlValue value, string? comment = null)
        {
            entries.Add((key, value, comment));
            return this;
        }

        internal YamlMap Text(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                Add(key, new YamlText(value));
            }

            return this;
        }

        internal YamlMap Number(string key, object? value)
        {
            if (value != null)
            {
                Add(key, new YamlText(System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), raw: true));
            }

            return this;
        }

        internal YamlMap Flag(string key, bool? value)
        {
            if (value != null)
            {
                Add(key, new YamlText(value.Value ? "true" : "false", raw: true));
            }

            return this;
        }

        /// <summary>Adds a map or list only when it has something in it.</summary>
        internal YamlMap Section(string key, YamlMap map)
        {
            if (map.Count > 0)
            {
                Add(key, map);
            }

            return this;
        }

        internal YamlMap Section(string key, YamlList list)
        {
            if (list.Count > 0)
            {
                Add(key, list);
            }

            return this;
        }

        internal static YamlMap Of(IEnumerable<KeyValuePair<string, string>> pairs)
        {
            var map = new YamlMap();
            foreach (KeyValuePair<string, string> pair in pairs.OrderBy(p => p.Key, System.StringComparer.Ordinal))
            {
                map.Add(pair.Key, new YamlText(pair.Value));
            }

            return map;
        }

        internal override void Emit(IEmitter emitter)
        {
            emitter.Emit(new MappingStart(null, null, true, entries.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
            foreach ((string key, YamlValue value, string? comment) in entries)
            {
                foreach (string line in (comment ?? string.Empty).Split('\n').Where(l => l.Length > 0))
                {
                    emitter.Emit(new Comment(line, false));
                }

                new YamlText(key).Emit(emitter);
                value.Emit(emitter);
            }

            emitter.Emit(new MappingEnd());
        }

        /// <summary>The map as a YAML document, with comment lines before it.</summary>
        internal string ToYaml(IEnumerable<string> header)
        {
            using var writer = new StringWriter { NewLine = "\n" };
            var emitter = new Emitter(writer, new EmitterSettings(2, int.MaxValue, false, 1024));
            emitter.Emit(new StreamStart());
            emitter.Emit(new DocumentStart(null, null, true));
            foreach (string line in header)
            {
                emitter.Emit(new Comment(line, false));
            }

            Emit(emitter);
            emitter.Emit(new DocumentEnd(true));
            emitter.Emit(new StreamEnd());
            return writer.ToString();
        }
    }
}
