using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Text;
using SwarmPS.Engine.Provisioning;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>What placement can test about a node: its properties and both kinds of labels.</summary>
    public sealed class NodeFacts
    {
        /// <summary>Takes a node's facts; the labels are copied.</summary>
        public NodeFacts(string id, string hostname, string role, string os, string arch, IReadOnlyDictionary<string, string> nodeLabels, IReadOnlyDictionary<string, string> engineLabels)
        {
            ArgumentNullException.ThrowIfNull(id);
            ArgumentNullException.ThrowIfNull(hostname);
            ArgumentNullException.ThrowIfNull(role);
            ArgumentNullException.ThrowIfNull(os);
            ArgumentNullException.ThrowIfNull(arch);
            ArgumentNullException.ThrowIfNull(nodeLabels);
            ArgumentNullException.ThrowIfNull(engineLabels);
            Id = id;
            Hostname = hostname;
            Role = role;
            Os = os;
            Arch = arch;
            NodeLabels = Copy(nodeLabels);
            EngineLabels = Copy(engineLabels);
        }

        /// <summary>The node's swarm id.</summary>
        public string Id { get; }

        /// <summary>The node's host name.</summary>
        public string Hostname { get; }

        /// <summary>manager or worker.</summary>
        public string Role { get; }

        /// <summary>The operating system, such as linux; empty when unknown.</summary>
        public string Os { get; }

        /// <summary>The architecture, such as x86_64; empty when unknown.</summary>
        public string Arch { get; }

        /// <summary>Labels set on the node through a manager, sorted by key.</summary>
        public IReadOnlyDictionary<string, string> NodeLabels { get; }

        /// <summary>Labels of the node's engine (daemon.json), sorted by key.</summary>
        public IReadOnlyDictionary<string, string> EngineLabels { get; }

        /// <summary>The name to show: the host name, or the id of a node without one.</summary>
        internal string Name => Hostname.Length > 0 ? Hostname : Id;

        /// <summary>The labels as Get-SwarmNode shows them in Labels: both kinds, a node label winning a clash.</summary>
        internal IReadOnlyDictionary<string, string> MergedLabels()
        {
            var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> label in EngineLabels)
            {
                merged[label.Key] = label.Value;
            }

            foreach (KeyValuePair<string, string> label in NodeLabels)
            {
                merged[label.Key] = label.Value;
            }

            return merged;
        }

        private static IReadOnlyDictionary<string, string> Copy(IReadOnlyDictionary<string, string> labels)
        {
            var copy = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> label in labels)
            {
                copy[label.Key] = label.Value;
            }

            return new ReadOnlyDictionary<string, string>(copy);
        }
    }

    /// <summary>Finds the nodes that satisfy placement constraints, and explains why none does.</summary>
    public static class ConstraintMatcher
    {
        // Nodes are listed nearest first, so the cut keeps the ones worth reading.
        private const int MaximumNodesListed = 20;

        /// <summary>The nodes that satisfy every constraint (swarm ANDs them), in the order given.</summary>
        public static IReadOnlyList<NodeFacts> Matching(IReadOnlyList<PlacementConstraint> constraints, IReadOnlyList<NodeFacts> nodes)
        {
            ArgumentNullException.ThrowIfNull(constraints);
            ArgumentNullException.ThrowIfNull(nodes);
            return nodes.Where(node => constraints.All(constraint => constraint.Matches(node))).ToList();
        }

        /// <summary>
        /// The message for error NoNodeMatchesConstraint: the constraints asked for (swarm form), every node with its
        /// labels (as Labels shows them) and the constraints it fails and why, nearest first, and the nearest node (the
        /// one failing the fewest constraints; ties go to the first name).
        /// </summary>
        public static string ExplainNoMatch(IReadOnlyList<PlacementConstraint> constraints, IReadOnlyList<NodeFacts> nodes)
        {
            ArgumentNullException.ThrowIfNull(constraints);
            ArgumentNullException.ThrowIfNull(nodes);
            string asked = constraints.Count == 0
                ? "no constraints"
                : (constraints.Count == 1 ? "the constraint " : "the constraints ") + string.Join(", ", constraints.Select(c => c.ToSwarm()));
            if (nodes.Count == 0)
            {
                return $"No node can take it: the cluster has no nodes (asked for {asked}).";
            }

            var rated = nodes
                .Select(node => (Node: node, Fails: constraints.Where(c => !c.Matches(node)).ToList()))
                .OrderBy(r => r.Fails.Count)
                .ThenBy(r => r.Node.Name, StringComparer.OrdinalIgnoreCase)
                .ThenBy(r => r.Node.Name, StringComparer.Ordinal)
                .ThenBy(r => r.Node.Id, StringComparer.Ordinal)
                .ToList();

            int matching = rated.Count(r => r.Fails.Count == 0);
            var message = new StringBuilder();
            message.Append(matching == 0
                ? $"No node matches {asked}{(constraints.Count > 1 ? " (all must hold)" : string.Empty)}. Nodes, nearest first:"
                : $"{matching} of {nodes.Count} nodes match {asked}. Nodes, nearest first:");

            foreach ((NodeFacts node, List<PlacementConstraint> fails) in rated.Take(MaximumNodesListed))
            {
                IReadOnlyDictionary<string, string> labels = node.MergedLabels();
                message.AppendLine()
                    .Append("  ").Append(EngineLabels.Display(node.Name)).Append(": ")
                    .Append(labels.Count == 0 ? "no labels" : string.Join(", ", labels.Select(l => EngineLabels.Display(l.Key) + "=" + EngineLabels.Display(l.Value))))
                    .Append(". ")
                    .Append(fails.Count == 0 ? "Matches every constraint" : "Fails " + Failures(node, fails))
                    .Append('.');
            }

            if (rated.Count > MaximumNodesListed)
            {
                message.AppendLine().Append($"  ...and {rated.Count - MaximumNodesListed} more nodes.");
            }

            (NodeFacts nearest, List<PlacementConstraint> nearestFails) = rated[0];
            message.AppendLine()
                .Append("Nearest: ").Append(EngineLabels.Display(nearest.Name))
                .Append(nearestFails.Count == 0 ? " (matches every constraint)." : " (fails " + Failures(nearest, nearestFails) + ").");
            return message.ToString();
        }

        private static string Failures(NodeFacts node, IEnumerable<PlacementConstraint> fails) =>
            string.Join("; ", fails.Select(c => c.ToSwarm() + ": " + Reason(c, node)));

        /// <summary>Why <paramref name="node"/> fails <paramref name="constraint"/>, in terms of what the node has.</summary>
        private static string Reason(PlacementConstraint constraint, NodeFacts node)
        {
            string? actual = constraint.ActualValue(node);
            string shown = EngineLabels.Display(actual ?? string.Empty);
            string key = EngineLabels.Display(constraint.LabelKey ?? string.Empty);
            switch (constraint.Field)
            {
                case ConstraintField.NodeLabel:
                    if (actual is not null)
                    {
                        return $"it has {key}={shown}";
                    }

                    if (node.EngineLabels.TryGetValue(constraint.LabelKey!, out string? engineValue))
                    {
                        // The merged Labels show it, so say why it does not count: it was never copied to a node label.
                        string copy = string.Equals(engineValue, constraint.Value, StringComparison.OrdinalIgnoreCase)
                            ? $" (copy it with Set-SwarmNode -Label {key}={EngineLabels.Display(engineValue)}, or write engine.labels.{key}=={constraint.Value})"
                            : string.Empty;
                        return $"it has no node label {key}, only the engine label {key}={EngineLabels.Display(engineValue)}{copy}";
                    }

                    return $"it has no label {key}";

                case ConstraintField.EngineLabel:
                    if (actual is not null)
                    {
                        return $"its engine label is {key}={shown}";
                    }

                    if (node.NodeLabels.TryGetValue(constraint.LabelKey!, out string? nodeValue))
                    {
                        return $"it has no engine label {key}, only the node label {key}={EngineLabels.Display(nodeValue)}";
                    }

                    return $"it has no label {key}";

                case ConstraintField.NodeRole:
                    return actual is "manager" or "worker" ? $"it is a {actual}" : Property("role", shown);

                case ConstraintField.NodeHostname:
                    return Property("host name", shown);

                case ConstraintField.NodeId:
                    return Property("id", shown);

                case ConstraintField.NodePlatformOs:
                    return Property("OS", shown);

                default:
                    return Property("architecture", shown);
            }
        }

        private static string Property(string name, string value) =>
            value.Length == 0 ? $"its {name} is unknown" : $"its {name} is {value}";
    }
}
