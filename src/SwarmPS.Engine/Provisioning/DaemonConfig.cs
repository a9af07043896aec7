using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>Paths of the TLS files on the host that daemon.json points Docker at.</summary>
    /// <param name="CaPath">The CA certificate clients must be signed by (<c>tlscacert</c>).</param>
    /// <param name="CertPath">The engine's certificate (<c>tlscert</c>).</param>
    /// <param name="KeyPath">The engine's private key (<c>tlskey</c>).</param>
    public sealed record TlsFiles(string CaPath, string CertPath, string KeyPath);

    /// <summary>
    /// An existing <c>/etc/docker/daemon.json</c>, into which SwarmPS merges its labels and TLS settings while keeping
    /// every other key, in its original order.
    /// </summary>
    public sealed class DaemonConfig
    {
        internal const string LabelsKey = "labels";
        private const string HostsKey = "hosts";
        internal static readonly string[] TlsKeys = { "tlsverify", "tlscacert", "tlscert", "tlskey" };

        private readonly JsonObject root;
        private readonly LabelSet labels;

        private DaemonConfig(string filePath, JsonObject root, LabelSet labels, bool hasHostsEntry, IReadOnlyList<string> hostsEntry)
        {
            FilePath = filePath;
            this.root = root;
            this.labels = labels;
            HasHostsEntry = hasHostsEntry;
            HostsEntry = hostsEntry;
        }

        /// <summary>Where the file lives on the host; used in messages.</summary>
        public string FilePath { get; }

        /// <summary>
        /// True when the file has a <c>hosts</c> key. Docker refuses to start when it is also given <c>-H fd://</c>
        /// by the systemd unit, so the caller must deal with it.
        /// </summary>
        public bool HasHostsEntry { get; }

        /// <summary>The <c>hosts</c> values, empty when there are none.</summary>
        public IReadOnlyList<string> HostsEntry { get; }

        /// <summary>The existing <c>labels</c>, in file order.</summary>
        public IReadOnlyDictionary<string, string> Labels => labels;

        /// <summary>
        /// Reads daemon.json text. Null, empty or whitespace means no file yet (an empty object). Like Docker's Go parser,
        /// comments and trailing commas are not accepted.
        /// </summary>
        /// <exception cref="SwarmException">DaemonJsonInvalid when the text is not a JSON object or its labels are malformed.</exception>
        public static DaemonConfig Parse(string? json, string path = "/etc/docker/daemon.json")
        {
            JsonObject root = ParseObject(json, path);
            try
            {
                return new DaemonConfig(path, root, ReadLabels(root, path), root.ContainsKey(HostsKey), ReadHosts(root));
            }
            catch (InvalidOperationException unreadable)
            {
                throw LoneSurrogate(path, unreadable);
            }
        }

        /// <summary>
        /// Renders daemon.json (2-space indent, LF, trailing newline): unknown keys unchanged and in place;
        /// <c>labels</c> = existing labels with <paramref name="labelsToSet"/> set (existing order kept, new ones appended);
        /// with <paramref name="tls"/>, <c>tlsverify</c>/<c>tlscacert</c>/<c>tlscert</c>/<c>tlskey</c> set; with
        /// <paramref name="removeTls"/>, those four removed.
        /// </summary>
        /// <exception cref="SwarmException">LabelInvalid when a label to set is not valid.</exception>
        public string Render(IReadOnlyDictionary<string, string> labelsToSet, TlsFiles? tls, bool removeTls)
        {
            ArgumentNullException.ThrowIfNull(labelsToSet);
            if (tls is not null && removeTls)
            {
                throw new ArgumentException("Either set TLS files or remove them, not both.", nameof(removeTls));
            }

            // Render works on a copy so the parsed file can be rendered again with other settings.
            var result = (JsonObject)root.DeepClone();
            var mergedLabels = new LabelSet();
            foreach (KeyValuePair<string, string> label in labels)
            {
                mergedLabels.Set(label.Key, label.Value);
            }

            foreach (KeyValuePair<string, string> label in labelsToSet)
            {
                EngineLabels.Validate(label.Key, label.Value);
                mergedLabels.Set(label.Key, label.Value);
            }

            // With nothing to write, an existing "labels" (even [] or null) stays exactly as it was.
            if (mergedLabels.Count > 0)
            {
                var array = new JsonArray();
                foreach (KeyValuePair<string, string> label in mergedLabels)
                {
                    array.Add(JsonValue.Create(label.Key + "=" + label.Value));
                }

                // Assigning an existing key keeps its position; a new key goes last.
                result[LabelsKey] = array;
            }

            if (tls is not null)
            {
                result["tlsverify"] = JsonValue.Create(true);
                result["tlscacert"] = JsonValue.Create(tls.CaPath);
                result["tlscert"] = JsonValue.Create(tls.CertPath);
                result["tlskey"] = JsonValue.Create(tls.KeyPath);
            }
            else if (removeTls)
            {
                foreach (string key in TlsKeys)
                {
                    result.Remove(key);
                }
            }

            return Serialize(result);
        }

        /// <summary>True when <paramref name="otherJson"/> holds the same settings as this file, whatever its whitespace or key order.</summary>
        public bool IsEquivalentTo(string? otherJson)
        {
            JsonObject? other = TryParseObject(otherJson);
            return other is not null && JsonNode.DeepEquals(root, other);
        }

        /// <summary>
        /// True when both texts hold the same JSON object, whatever their whitespace or key order (null or blank counts as
        /// an empty object). False when either is not a JSON object.
        /// </summary>
        public static bool SemanticallyEqual(string? a, string? b)
        {
            JsonObject? left = TryParseObject(a);
            JsonObject? right = TryParseObject(b);
            return left is not null && right is not null && JsonNode.DeepEquals(left, right);
        }

        /// <summary>
        /// True when both texts are JSON objects that hold the same settings apart from <c>labels</c>: the engine then
        /// takes the change on a reload (SIGHUP), without a restart.
        /// </summary>
        public static bool DifferOnlyInLabels(string? a, string? b)
        {
            JsonObject? left = TryParseObject(a);
            JsonObject? right = TryParseObject(b);
            if (left is null || right is null)
            {
                return false;
            }

            left.Remove(LabelsKey);
            right.Remove(LabelsKey);
            return JsonNode.DeepEquals(left, right);
        }

        private static JsonObject? TryParseObject(string? json)
        {
            try
            {
                return ParseObject(json, "daemon.json");
            }
            catch (SwarmException)
            {
                return null;
            }
        }

        private static JsonObject ParseObject(string? json, string path)
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                return new JsonObject();
            }

            JsonNode? node;
            try
            {
                // JsonDocument keeps duplicate keys, so they can be reported by name before JsonNode would fail on them.
                using (JsonDocument document = JsonDocument.Parse(json))
                {
                    string? duplicate = FindDuplicateKey(document.RootElement, "$");
                    if (duplicate is not null)
                    {
                        throw Invalid(path, $"'{path}' names {duplicate} twice, so it is unclear which value applies. Keep one", null, dockerRejectsToo: false);
                    }
                }

                node = JsonNode.Parse(json);

                // A string is only decoded when read: read them all now, so a lone surrogate is found here.
                CheckStrings(node);
            }
            catch (InvalidOperationException unreadable)
            {
                // System.Text.Json refuses to turn an escaped lone surrogate ("\ud800") into a .NET string.
                throw LoneSurrogate(path, unreadable);
            }
            catch (ArgumentException unencodable)
            {
                // A lone surrogate in the text itself cannot be encoded as UTF-8 for the parser.
                throw LoneSurrogate(path, unencodable);
            }
            catch (JsonException ex)
            {
                string reason = ex.Message;
                int cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
                if (cut < 0)
                {
                    cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
                }

                if (cut > 0)
                {
                    reason = reason.Substring(0, cut);
                }

                // The reader's advice to change its options does not apply to someone editing the file.
                reason = reason.Replace(" Change the reader options.", string.Empty, StringComparison.Ordinal)
                    .Replace(" which is not supported in this mode", string.Empty, StringComparison.Ordinal)
                    .TrimEnd(' ', '.');
                string where = ex.LineNumber is long line && ex.BytePositionInLine is long position
                    ? string.Format(CultureInfo.InvariantCulture, " at line {0}, position {1}", line + 1, position + 1)
                    : string.Empty;
                throw Invalid(path, $"'{path}' is not valid JSON{where}: {reason}", ex);
            }

            if (node is not JsonObject result)
            {
                string kind = node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();
                throw Invalid(path, $"'{path}' holds a JSON {kind} where Docker expects an object such as {{\"log-driver\": \"local\"}}", null);
            }

            return result;
        }

        private static string? FindDuplicateKey(JsonElement element, string location)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        return location == "$" ? $"the key \"{property.Name}\"" : $"the key \"{property.Name}\" in {location}";
                    }

                    string? nested = FindDuplicateKey(property.Value, location == "$" ? $"\"{property.Name}\"" : $"{location}.\"{property.Name}\"");
                    if (nested is not null)
                    {
                        return nested;
                    }
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    string? nested = FindDuplicateKey(item, $"{location}[{index++}]");
                    if (nested is not null)
                    {
                        return nested;
                    }
                }
            }

            return null;
        }

        private static LabelSet ReadLabels(JsonObject root, string path)
        {
            var result = new LabelSet();
            if (!root.TryGetPropertyValue(LabelsKey, out JsonNode? node) || node is null)
            {
                return result;
            }

            if (node is not JsonArray array)
            {
                throw Invalid(path, $"In '{path}', \"labels\" must be an array of \"key=value\" strings, for example \"labels\": [\"storage=ssd\"]", null);
            }

            for (int index = 0; index < array.Count; index++)
            {
                JsonNode? item = array[index];
                string? text = item is JsonValue value && value.TryGetValue(out string? s) ? s : null;
                int separator = text?.IndexOf('=') ?? -1;
                if (text is null || separator <= 0)
                {
                    string shown = item?.ToJsonString() ?? "null";
                    throw Invalid(path, $"In '{path}', \"labels\" entry {index + 1} ({EngineLabels.Display(shown)}) is not a \"key=value\" string such as \"storage=ssd\"", null);
                }

                string key = text.Substring(0, separator);
                string labelValue = text.Substring(separator + 1);

                // Docker itself refuses a key with two different values.
                if (result.TryGetValue(key, out string? earlier) && earlier != labelValue)
                {
                    throw Invalid(path, $"In '{path}', \"labels\" has '{EngineLabels.Display(key)}' twice with different values ('{EngineLabels.Display(earlier)}' and '{EngineLabels.Display(labelValue)}'); keep one", null);
                }

                result.Set(key, labelValue);
            }

            return result;
        }

        private static IReadOnlyList<string> ReadHosts(JsonObject root)
        {
            var hosts = new List<string>();
            if (!root.TryGetPropertyValue(HostsKey, out JsonNode? node) || node is null)
            {
                return hosts;
            }

            IEnumerable<JsonNode?> items = node is JsonArray array ? array : new[] { node };
            foreach (JsonNode? item in items)
            {
                if (item is JsonValue value && value.TryGetValue(out string? text))
                {
                    hosts.Add(text);
                }
                else if (item is not null)
                {
                    hosts.Add(item.ToJsonString());
                }
            }

            return hosts;
        }

        internal static string Serialize(JsonObject json)
        {
            // Relaxed escaping keeps '+', '<' and non-ASCII text as written; the file is never embedded in HTML.
            var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, options))
            {
                json.WriteTo(writer);
            }

            // Utf8JsonWriter uses the local newline on .NET 8; the file is for a Linux host. Strings escape CR/LF, so only layout changes.
            return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n";
        }

        private static void CheckStrings(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (KeyValuePair<string, JsonNode?> property in obj)
                    {
                        CheckStrings(property.Value);
                    }

                    break;
                case JsonArray array:
                    foreach (JsonNode? item in array)
                    {
                        CheckStrings(item);
                    }

                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    value.GetValue<string>();
                    break;
            }
        }

        private static SwarmException LoneSurrogate(string path, Exception inner) =>
            Invalid(path, $"'{path}' holds a lone UTF-16 surrogate (such as \\ud800 without its pair), which is not text. Remove or complete that escape", inner);

        private static SwarmException Invalid(string path, string reason, Exception? inner, bool dockerRejectsToo = true)
        {
            string advice = dockerRejectsToo
                ? ". Docker cannot start with it either: fix the file or remove it, then try again."
                : ". Fix the file or remove it, then try again.";
            return new SwarmException("DaemonJsonInvalid", SwarmErrorKind.InvalidData, reason + advice, path, inner);
        }
    }
}
