using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>
    /// The checks of a service's mode and spread (global or replicated, max replicas per node, placement preferences)
    /// that SwarmPS makes before it asks swarm, and how many tasks a converged service runs. Pure, so unit-tested.
    /// </summary>
    public static class ServicePlacement
    {
        public static string ModeOf(ServiceSpec? spec) => spec?.Mode?.Global != null ? "global" : "replicated";

        /// <summary>Global mode has no replica count, so no per-node cap either (the Docker CLI refuses it too).</summary>
        public static void RequireModeSettings(string container, bool global, ContainerSettings settings)
        {
            if (global && settings.MaxReplicasPerNode is > 0)
            {
                throw new SwarmException("MaxReplicasWithGlobalMode", SwarmErrorKind.InvalidArgument,
                    $"'{container}' runs one container on every eligible node (global mode), so -MaxReplicasPerNode does not apply. Leave it out, or use -Mode Replicated with -Replicas.", container);
            }
        }

        /// <summary>The mode asked for is the mode the service has: swarm cannot change it in place.</summary>
        public static void RequireSameMode(string container, ServiceSpec? current, bool? global)
        {
            string mode = ModeOf(current);
            if (global is bool wanted && wanted != (mode == "global"))
            {
                string asked = wanted ? "Global" : "Replicated";
                throw new SwarmException("ModeCannotChange", SwarmErrorKind.InvalidOperation,
                    $"'{container}' runs in {mode} mode, and swarm cannot change a service's mode once it is created. Remove it (Remove-SwarmContainer {container}) and create it again with New-SwarmContainer -Mode {asked}.", container);
            }
        }

        /// <summary>
        /// A replicated service capped per node fits: replicas at most the cap times the eligible nodes. Swarm would leave
        /// the rest pending for ever ("max replicas per node limit exceed"), so NotEnoughNodes names the nodes now.
        /// </summary>
        public static void RequireRoom(string container, ServiceSpec spec, IReadOnlyList<NodeFacts> eligible)
        {
            ulong max = spec.TaskTemplate?.Placement?.MaxReplicas ?? 0;
            ulong? replicas = spec.Mode?.Replicated?.Replicas;
            if (spec.Mode?.Global != null || max == 0 || replicas == null)
            {
                return;
            }

            ulong room = max * (ulong)eligible.Count;
            if (replicas.Value > room)
            {
                string nodes = eligible.Count == 0 ? "none" : string.Join(", ", eligible.Select(n => n.Hostname).OrderBy(h => h, StringComparer.Ordinal));
                throw new SwarmException("NotEnoughNodes", SwarmErrorKind.ResourceUnavailable,
                    $"'{container}' asks for {replicas} replicas with at most {max} per node, but only {eligible.Count} node(s) can take it ({nodes}): room for {room}, so swarm would leave {replicas.Value - room} pending. Lower -Replicas, raise -MaxReplicasPerNode, or add nodes that meet the constraints.", container);
            }
        }

        /// <summary>Warns of each spread preference over a label no eligible node has, for New- and Set-SwarmContainer alike.</summary>
        public static void WarnUnusedPreferences(string container, ServiceSpec spec, IReadOnlyList<NodeFacts> eligible, IOperationReporter reporter)
        {
            foreach (string unused in UnusedPreferences(spec, eligible))
            {
                reporter.Warning($"No node that can take '{container}' has the label of the preference spread={unused}, so it spreads nothing. Label the nodes (Set-SwarmNode -Label) or fix the preference.");
            }
        }

        /// <summary>A spread over a label that no eligible node has puts every task in one group: it spreads nothing.</summary>
        public static IReadOnlyList<string> UnusedPreferences(ServiceSpec spec, IReadOnlyList<NodeFacts> eligible) =>
            (spec.TaskTemplate?.Placement?.Preferences ?? new List<PlacementPreference>())
                .Select(p => p.Spread?.SpreadDescriptor ?? string.Empty)
                .Where(d => d.Length > 0)
                .Where(d =>
                {
                    (string key, bool nodeLabel) = PlacementPreferences.LabelOf(d);
                    return !eligible.Any(n => (nodeLabel ? n.NodeLabels : n.EngineLabels).ContainsKey(key));
                })
                .ToList();

        /// <summary>
        /// How many tasks run once the service converged: the replica count, or for a global service one per active,
        /// ready node that meets its constraints.
        /// </summary>
        public static ulong ExpectedTasks(ServiceSpec? spec, IReadOnlyList<NodeListResponse> nodes)
        {
            if (spec?.Mode?.Global == null)
            {
                return spec?.Mode?.Replicated?.Replicas ?? 1;
            }

            IReadOnlyList<PlacementConstraint> constraints = ConstraintParser.ParseAll(spec.TaskTemplate?.Placement?.Constraints ?? new List<string>());
            return (ulong)ConstraintMatcher.Matching(constraints, WorkloadService.Schedulable(nodes)).Count;
        }
    }
}
