using System;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>What a swarm-mode placement constraint compares.</summary>
    public enum ConstraintField
    {
        /// <summary><c>node.id</c>: the node's swarm id.</summary>
        NodeId,

        /// <summary><c>node.hostname</c>: the node's host name.</summary>
        NodeHostname,

        /// <summary><c>node.role</c>: manager or worker.</summary>
        NodeRole,

        /// <summary><c>node.platform.os</c>, such as linux.</summary>
        NodePlatformOs,

        /// <summary><c>node.platform.arch</c>, such as x86_64.</summary>
        NodePlatformArch,

        /// <summary><c>node.labels.KEY</c>: a node label, set through a manager.</summary>
        NodeLabel,

        /// <summary><c>engine.labels.KEY</c>: an engine label, from the node's daemon.json.</summary>
        EngineLabel,
    }

    /// <summary>
    /// One swarm-mode placement constraint, as <see cref="ConstraintParser"/> read it. Swarm ANDs the constraints of
    /// a service; there is no OR.
    /// </summary>
    public sealed class PlacementConstraint
    {
        private readonly string swarm;

        internal PlacementConstraint(ConstraintField field, string? labelKey, bool equal, string value, string original)
        {
            Field = field;
            LabelKey = labelKey;
            Equal = equal;
            Value = value;
            Original = original;
            swarm = FieldText(field, labelKey) + (equal ? "==" : "!=") + value;
        }

        /// <summary>What the constraint compares.</summary>
        public ConstraintField Field { get; }

        /// <summary>The label key for <see cref="ConstraintField.NodeLabel"/> and <see cref="ConstraintField.EngineLabel"/>; null otherwise.</summary>
        public string? LabelKey { get; }

        /// <summary>True for <c>==</c>, false for <c>!=</c>.</summary>
        public bool Equal { get; }

        /// <summary>The value compared with, without surrounding whitespace.</summary>
        public string Value { get; }

        /// <summary>The text the constraint was parsed from, as the user gave it.</summary>
        public string Original { get; }

        /// <summary>The canonical swarm-mode text, such as <c>node.labels.storage==ssd</c>, as Docker's service API takes it.</summary>
        public string ToSwarm() => swarm;

        /// <summary>
        /// Whether swarm would place a task on <paramref name="node"/> under this constraint alone. As swarm does,
        /// values are compared ignoring case and label keys exactly; a missing label or property never equals the
        /// value, so <c>!=</c> holds on a node without the label.
        /// </summary>
        public bool Matches(NodeFacts node)
        {
            ArgumentNullException.ThrowIfNull(node);
            // Swarm compares a missing label as the empty string, which no constraint value (never empty) equals.
            string? actual = ActualValue(node);
            bool same = actual != null && string.Equals(actual, Value, StringComparison.OrdinalIgnoreCase);
            return Equal ? same : !same;
        }

        /// <summary>The canonical swarm-mode text; see <see cref="ToSwarm"/>.</summary>
        public override string ToString() => swarm;

        /// <summary>The node's value for this constraint's field, or null when the node lacks the label.</summary>
        internal string? ActualValue(NodeFacts node)
        {
            return Field switch
            {
                ConstraintField.NodeId => node.Id,
                ConstraintField.NodeHostname => node.Hostname,
                ConstraintField.NodeRole => node.Role,
                ConstraintField.NodePlatformOs => node.Os,
                ConstraintField.NodePlatformArch => node.Arch,
                ConstraintField.NodeLabel => node.NodeLabels.TryGetValue(LabelKey!, out string? nodeValue) ? nodeValue : null,
                ConstraintField.EngineLabel => node.EngineLabels.TryGetValue(LabelKey!, out string? engineValue) ? engineValue : null,
                _ => null,
            };
        }

        internal static string FieldText(ConstraintField field, string? labelKey) => field switch
        {
            ConstraintField.NodeId => "node.id",
            ConstraintField.NodeHostname => "node.hostname",
            ConstraintField.NodeRole => "node.role",
            ConstraintField.NodePlatformOs => "node.platform.os",
            ConstraintField.NodePlatformArch => "node.platform.arch",
            ConstraintField.NodeLabel => "node.labels." + labelKey,
            ConstraintField.EngineLabel => "engine.labels." + labelKey,
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };
    }
}
