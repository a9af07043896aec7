using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>What Disable-DockerTcpSocket writes back to daemon.json.</summary>
    public sealed class DaemonJsonRevision
    {
        internal DaemonJsonRevision(string? json, bool restoresOriginal, IReadOnlyList<string> keptEdits, IReadOnlyList<string> conflicts)
        {
            Json = json;
            RestoresOriginal = restoresOriginal;
            KeptEdits = keptEdits;
            Conflicts = conflicts;
        }

        /// <summary>The new daemon.json; null when the file is to be removed (it did not exist before and nothing is left).</summary>
        public string? Json { get; }

        /// <summary>True when nobody edited the file since SwarmPS wrote it: the original is put back as it was.</summary>
        public bool RestoresOriginal { get; }

        /// <summary>Settings changed after Enable-DockerTcpSocket that are kept, one line each.</summary>
        public IReadOnlyList<string> KeptEdits { get; }

        /// <summary>SwarmPS's own TLS settings, edited since: they cannot be told apart, so -Force is needed (they are then reverted).</summary>
        public IReadOnlyList<string> Conflicts { get; }
    }

    /// <summary>
    /// Takes out of the current daemon.json only what SwarmPS put in (the tls* keys and the labels it set), by a
    /// three-way comparison of the original (before the first Enable), what SwarmPS last wrote, and the file now.
    /// A key still as SwarmPS wrote it goes back to its original value; a key edited since is the operator's and stays.
    /// </summary>
    public static class DaemonJsonRevert
    {
        /// <param name="original">daemon.json before SwarmPS first changed the host; null when there was none.</param>
        /// <param name="written">What SwarmPS last wrote; null when not recorded (a host enabled by an older SwarmPS),
        /// then estimated as the original with the TLS keys and the current labels that differ from the original.</param>
        /// <param name="current">daemon.json now; null when absent.</param>
        public static DaemonJsonRevision Revise(string? original, string? written, string? current)
        {
            DaemonConfig originalConfig = DaemonConfig.Parse(original);
            DaemonConfig currentConfig = DaemonConfig.Parse(current);
            written ??= EstimateWritten(originalConfig, currentConfig, ParseObject(current).ContainsKey("tlsverify"));
            if (DaemonConfig.SemanticallyEqual(written, current))
            {
                return new DaemonJsonRevision(original, restoresOriginal: true, Array.Empty<string>(), Array.Empty<string>());
            }

            JsonObject o = ParseObject(original);
            JsonObject w = ParseObject(written);
            JsonObject c = ParseObject(current);
            var result = new JsonObject();
            var kept = new List<string>();
            var conflicts = new List<string>();
            foreach (string key in c.Select(p => p.Key).Concat(o.Select(p => p.Key)).Distinct(StringComparer.Ordinal).ToList())
            {
                if (key == DaemonConfig.LabelsKey)
                {
                    continue;
                }

                bool inC = c.TryGetPropertyValue(key, out JsonNode? cv);
                bool inW = w.TryGetPropertyValue(key, out JsonNode? wv);
                bool inO = o.TryGetPropertyValue(key, out JsonNode? ov);
                bool untouched = inC == inW && (!inC || JsonNode.DeepEquals(cv, wv));
                if (untouched)
                {
                    if (inO)
                    {
                        result[key] = ov?.DeepClone();
                    }

                    continue;
                }

                bool swarmPsChanged = inW != inO || (inW && !JsonNode.DeepEquals(wv, ov));
                if (DaemonConfig.TlsKeys.Contains(key) && swarmPsChanged)
                {
                    conflicts.Add($"{key}: SwarmPS wrote {Show(inW, wv)}, now {Show(inC, cv)}, before {Show(inO, ov)}");
                    if (inO)
                    {
                        result[key] = ov?.DeepClone();
                    }

                    continue;
                }

                kept.Add($"{key}: {Show(inC, cv)} (SwarmPS wrote {Show(inW, wv)})");
                if (inC)
                {
                    result[key] = cv?.DeepClone();
                }
            }

            ReviseLabels(originalConfig, DaemonConfig.Parse(written), currentConfig, o, c, result, kept);
            string? json = result.Count == 0 && string.IsNullOrWhiteSpace(original) ? null : DaemonConfig.Serialize(result);
            return new DaemonJsonRevision(json, restoresOriginal: false, kept, conflicts);
        }

        private static void ReviseLabels(DaemonConfig o, DaemonConfig w, DaemonConfig c, JsonObject oRoot, JsonObject cRoot, JsonObject result, List<string> kept)
        {
            var labels = new List<string>();
            foreach (string key in c.Labels.Keys.Concat(o.Labels.Keys).Distinct(StringComparer.Ordinal))
            {
                string? ov = o.Labels.TryGetValue(key, out string? a) ? a : null;
                string? wv = w.Labels.TryGetValue(key, out string? b) ? b : null;
                string? cv = c.Labels.TryGetValue(key, out string? d) ? d : null;
                string? value = cv == wv ? ov : cv;
                if (cv != wv)
                {
                    kept.Add($"label {key}: {cv ?? "(removed)"} (SwarmPS wrote {wv ?? "(none)"})");
                }

                if (value != null)
                {
                    labels.Add(key + "=" + value);
                }
            }

            if (labels.Count > 0)
            {
                result[DaemonConfig.LabelsKey] = new JsonArray(labels.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray());
            }
            else if (oRoot.TryGetPropertyValue(DaemonConfig.LabelsKey, out JsonNode? originalLabels))
            {
                // An original empty "labels" (even null) comes back as it was.
                result[DaemonConfig.LabelsKey] = originalLabels?.DeepClone();
            }
        }

        private static string EstimateWritten(DaemonConfig original, DaemonConfig current, bool tls)
        {
            var set = current.Labels.Where(l => !original.Labels.TryGetValue(l.Key, out string? v) || v != l.Value).ToDictionary(l => l.Key, l => l.Value);
            return original.Render(set, tls ? new TlsFiles(RemotePaths.CaCertificate, RemotePaths.ServerCertificate, RemotePaths.ServerKey) : null, removeTls: false);
        }

        private static JsonObject ParseObject(string? json) =>
            string.IsNullOrWhiteSpace(json) ? new JsonObject() : (JsonNode.Parse(json) as JsonObject ?? new JsonObject());

        private static string Show(bool present, JsonNode? value) => present ? value?.ToJsonString() ?? "null" : "(absent)";
    }
}
