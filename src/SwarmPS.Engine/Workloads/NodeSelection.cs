using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>
    /// Turns nodes piped into New-SwarmContainer into constraints. Swarm constraints are ANDed and have
    /// no OR, so several nodes are expressed by labels they all share and no other node has.
    /// </summary>
    public static class NodeSelection
    {
        public static IReadOnlyList<string> ToConstraints(IReadOnlyCollection<NodeFacts> selected, IReadOnlyCollection<NodeFacts> all)
        {
            if (selected.Count == 0)
            {
                return Array.Empty<string>();
            }

            if (selected.Count == 1)
            {
                return new[] { $"node.id=={selected.First().Id}" };
            }

            var selectedIds = new HashSet<string>(selected.Select(n => n.Id), StringComparer.Ordinal);
            IEnumerable<KeyValuePair<string, string>> shared = selected.First().NodeLabels
                .Where(label => selected.All(n => n.NodeLabels.TryGetValue(label.Key, out string? v) && v == label.Value));
            var constraints = new List<string>();
            var candidates = all.ToList();
            foreach (KeyValuePair<string, string> label in shared.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                string constraint = $"node.labels.{label.Key}=={label.Value}";
                if (!IsExpressible(constraint))
                {
                    continue;
                }

                constraints.Add(constraint);
                candidates = candidates.Where(n => n.NodeLabels.TryGetValue(label.Key, out string? v) && v == label.Value).ToList();
                if (candidates.All(n => selectedIds.Contains(n.Id)))
                {
                    return constraints;
                }
            }

            throw new SwarmException("PlacementNotExpressible", SwarmErrorKind.InvalidArgument,
                $"The nodes piped in ({string.Join(", ", selected.Select(n => n.Hostname))}) share no node label that the other nodes lack, and swarm constraints cannot say 'one of these nodes'. Give them a common label (Set-SwarmNode -Label) and use -Constraint, or pipe a single node.");
        }

        // Some labels (a '/' in the key, characters Docker refuses in values) cannot be put in a constraint.
        private static bool IsExpressible(string constraint)
        {
            try
            {
                ConstraintParser.Parse(constraint);
                return true;
            }
            catch (SwarmException)
            {
                return false;
            }
        }
    }
}
