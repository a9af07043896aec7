using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>
    /// Placement preferences in the Docker CLI's --placement-pref syntax (spread=node.labels.zone), shared by
    /// New-/Set-SwarmContainer and the Compose mapper (deploy.placement.preferences: - spread: node.labels.zone).
    /// </summary>
    /// <remarks>
    /// The CLI takes any text after spread=; swarmkit's scheduler (nodeSet.tree) reads only node.labels.KEY and
    /// engine.labels.KEY (prefix in any case) and silently skips anything else, so node.hostname or a typo would spread
    /// nothing. SwarmPS refuses those instead.
    /// </remarks>
    public static class PlacementPreferences
    {
        public const string InvalidId = "PlacementPreferenceInvalid";

        private const string NodeLabelPrefix = "node.labels.";
        private const string EngineLabelPrefix = "engine.labels.";

        /// <summary>The descriptor of spread=node.labels.zone (node.labels.zone); PlacementPreferenceInvalid for anything else.</summary>
        public static string Parse(string? text)
        {
            string value = (text ?? string.Empty).Trim();
            int equals = value.IndexOf('=');
            if (equals <= 0)
            {
                throw Invalid(value, $"'{value}' is not a placement preference: write strategy=descriptor, such as spread=node.labels.zone.");
            }

            string strategy = value.Substring(0, equals).Trim();
            if (!string.Equals(strategy, "spread", StringComparison.Ordinal))
            {
                throw Invalid(value, $"Placement preference '{value}' uses strategy '{strategy}'; swarm supports only spread, such as spread=node.labels.zone.");
            }

            return ParseDescriptor(value.Substring(equals + 1).Trim());
        }

        public static IReadOnlyList<string> ParseAll(IEnumerable<string> texts) => texts.Select(Parse).ToList();

        /// <summary>The descriptor after spread=: node.labels.KEY or engine.labels.KEY, as swarm's scheduler reads it.</summary>
        public static string ParseDescriptor(string? descriptor)
        {
            string value = (descriptor ?? string.Empty).Trim();
            foreach (string prefix in new[] { NodeLabelPrefix, EngineLabelPrefix })
            {
                if (value.Length > prefix.Length && value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    string key = value.Substring(prefix.Length);
                    if (key.Trim().Length == key.Length && !key.Any(char.IsWhiteSpace))
                    {
                        return value;
                    }
                }
            }

            throw Invalid(value, $"Swarm cannot spread over '{value}': give a node label (node.labels.zone, set with Set-SwarmNode -Label) or an engine label (engine.labels.rack), such as spread=node.labels.zone. Swarm would silently ignore anything else.");
        }

        /// <summary>Swarm's preference that spreads over a descriptor.</summary>
        public static PlacementPreference ToSwarm(string descriptor) => new PlacementPreference { Spread = new SpreadOver { SpreadDescriptor = descriptor } };

        /// <summary>spread=node.labels.zone, the form the preference was given in.</summary>
        public static string Format(PlacementPreference preference) => "spread=" + (preference.Spread?.SpreadDescriptor ?? string.Empty);

        /// <summary>The label a descriptor names and whether it is a node label (else an engine label).</summary>
        internal static (string Key, bool NodeLabel) LabelOf(string descriptor) =>
            descriptor.StartsWith(NodeLabelPrefix, StringComparison.OrdinalIgnoreCase)
                ? (descriptor.Substring(NodeLabelPrefix.Length), true)
                : (descriptor.Substring(Math.Min(descriptor.Length, EngineLabelPrefix.Length)), false);

        private static SwarmException Invalid(string value, string message) =>
            new SwarmException(InvalidId, SwarmErrorKind.InvalidArgument, message, value);
    }
}
