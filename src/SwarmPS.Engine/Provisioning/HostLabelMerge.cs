using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>
    /// Folds the rows of one Enable-DockerTcpSocket call into one request per host (a CSV often has a row per label):
    /// two rows for one host would otherwise run two applies on it at once, each restarting the engine under the other.
    /// </summary>
    public static class HostLabelMerge
    {
        /// <summary>
        /// One entry per host (names compared ignoring case, first spelling and first position kept), labels unioned.
        /// Throws LabelConflict naming every key given two different values for one host, so nothing is changed anywhere.
        /// </summary>
        public static IReadOnlyList<(T Host, IReadOnlyDictionary<string, string> Labels)> Merge<T>(
            IEnumerable<(T Host, IReadOnlyDictionary<string, string> Labels)> rows, Func<T, string> nameOf)
        {
            ArgumentNullException.ThrowIfNull(rows);
            var order = new List<string>();
            var hosts = new Dictionary<string, (T Host, Dictionary<string, string> Labels)>(StringComparer.OrdinalIgnoreCase);
            var conflicts = new List<string>();
            foreach ((T host, IReadOnlyDictionary<string, string> labels) in rows)
            {
                string name = nameOf(host);
                if (!hosts.TryGetValue(name, out var merged))
                {
                    merged = (host, new Dictionary<string, string>(StringComparer.Ordinal));
                    hosts.Add(name, merged);
                    order.Add(name);
                }

                foreach (KeyValuePair<string, string> label in labels)
                {
                    if (merged.Labels.TryGetValue(label.Key, out string? existing) && !string.Equals(existing, label.Value, StringComparison.Ordinal))
                    {
                        string conflict = $"{nameOf(merged.Host)}: {label.Key}={existing} and {label.Key}={label.Value}";
                        if (!conflicts.Contains(conflict, StringComparer.Ordinal))
                        {
                            conflicts.Add(conflict);
                        }

                        continue;
                    }

                    merged.Labels[label.Key] = label.Value;
                }
            }

            if (conflicts.Count > 0)
            {
                string targets = string.Join(",", conflicts.Select(c => c.Substring(0, c.IndexOf(':', StringComparison.Ordinal))).Distinct(StringComparer.OrdinalIgnoreCase));
                throw new SwarmException("LabelConflict", SwarmErrorKind.InvalidArgument,
                    $"One host was given two values for the same label ({string.Join("; ", conflicts)}). Keep one value per label and host. Nothing was changed on any host.",
                    targets);
            }

            return order.Select(name => (hosts[name].Host, (IReadOnlyDictionary<string, string>)hosts[name].Labels)).ToList();
        }
    }
}
