using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Cluster
{
    /// <summary>A change to a node's spec: labels to set or remove, availability, role. Applies only what differs.</summary>
    public sealed class NodeChange
    {
        public NodeChange(IReadOnlyDictionary<string, string>? setLabels = null, IReadOnlyCollection<string>? removeLabels = null, string? availability = null, string? role = null)
        {
            SetLabels = setLabels ?? new Dictionary<string, string>();
            RemoveLabels = removeLabels ?? Array.Empty<string>();
            Availability = availability?.ToLowerInvariant();
            Role = role?.ToLowerInvariant();
        }

        public IReadOnlyDictionary<string, string> SetLabels { get; }

        public IReadOnlyCollection<string> RemoveLabels { get; }

        public string? Availability { get; }

        public string? Role { get; }

        public string Describe()
        {
            var parts = new List<string>();
            if (SetLabels.Count > 0)
            {
                parts.Add("set node labels " + string.Join(", ", SetLabels.Select(l => $"{l.Key}={l.Value}")));
            }

            if (RemoveLabels.Count > 0)
            {
                parts.Add("remove node labels " + string.Join(", ", RemoveLabels));
            }

            if (Availability != null)
            {
                parts.Add("availability " + Availability);
            }

            if (Role != null)
            {
                parts.Add("role " + Role);
            }

            return string.Join("; ", parts);
        }

        /// <summary>Changes <paramref name="spec"/> in place; true when anything differed.</summary>
        internal bool ApplyTo(NodeUpdateParameters spec)
        {
            bool changed = false;
            spec.Labels ??= new Dictionary<string, string>();
            foreach (KeyValuePair<string, string> label in SetLabels)
            {
                if (!spec.Labels.TryGetValue(label.Key, out string? current) || current != label.Value)
                {
                    spec.Labels[label.Key] = label.Value;
                    changed = true;
                }
            }

            foreach (string key in RemoveLabels)
            {
                changed |= spec.Labels.Remove(key);
            }

            if (Availability != null && !string.Equals(spec.Availability, Availability, StringComparison.OrdinalIgnoreCase))
            {
                spec.Availability = Availability;
                changed = true;
            }

            if (Role != null && !string.Equals(spec.Role, Role, StringComparison.OrdinalIgnoreCase))
            {
                spec.Role = Role;
                changed = true;
            }

            return changed;
        }
    }
}
