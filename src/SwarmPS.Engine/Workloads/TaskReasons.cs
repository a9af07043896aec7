using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>
    /// Says in plain words why a swarm task is not running: "no node matches storage==nvme" where swarm says
    /// "no suitable node (scheduling constraints not satisfied on 3 nodes)". Pure, so unit-tested with swarm's own texts.
    /// </summary>
    /// <remarks>
    /// <para>
    /// swarmkit's scheduler (manager/scheduler) runs every node through a pipeline of filters, stops at a node's first
    /// failing filter and counts the failures per filter. When no node passes, it sets the task's error to
    /// <c>no suitable node (EXPLANATION)</c>, where EXPLANATION joins each failing filter's Explain(count) with "; ",
    /// the most frequent first (pipeline.go, scheduler.go noSuitableNode). The filters, in pipeline order, and their
    /// texts (filter.go): ReadyFilter "N nodes not available for new tasks" (down, drained or paused), ResourceFilter
    /// "insufficient resources on N nodes", PluginFilter "missing plugin on N nodes", ConstraintFilter "scheduling
    /// constraints not satisfied on N nodes", PlatformFilter "unsupported platform on N nodes", HostPortFilter
    /// "host-mode port already in use on N nodes", MaxReplicasFilter "max replicas per node limit exceed", and
    /// VolumesFilter "cannot fulfill requested CSI volume mounts on N nodes"; each says "1 node" for one.
    /// </para>
    /// <para>
    /// A node's engine reports its own failures in the same field: "No such image: IMAGE" when the image is missing and
    /// cannot be pulled, "... Bind for 0.0.0.0:PORT failed: port is already allocated" or "... bind: address already in
    /// use" for a host port taken outside swarm, and "task: non-zero exit (CODE)" for a container that exited. Any other
    /// text is returned as swarm wrote it.
    /// </para>
    /// </remarks>
    public static class TaskReasons
    {
        private const string NoSuitableNode = "no suitable node";
        private const int MaximumNodesNamed = 10;
        private const double NanoCpusPerCpu = 1_000_000_000d;

        private static readonly Regex Scheduler = new Regex(@"^no suitable node(?: \((?<why>.*)\))?$", RegexOptions.Singleline | RegexOptions.CultureInvariant);

        private static readonly (Regex Pattern, Filter Filter)[] Filters =
        {
            (Part(@"(?<count>\d+) nodes? not available for new tasks"), Filter.Ready),
            (Part(@"insufficient resources on (?<count>\d+) nodes?"), Filter.Resources),
            (Part(@"missing plugin on (?<count>\d+) nodes?"), Filter.Plugin),
            (Part(@"scheduling constraints not satisfied on (?<count>\d+) nodes?"), Filter.Constraints),
            (Part(@"unsupported platform on (?<count>\d+) nodes?"), Filter.Platform),
            (Part(@"host-mode port already in use on (?<count>\d+) nodes?"), Filter.HostPort),
            (Part(@"max replicas per node limit exceed"), Filter.MaxReplicas),
            (Part(@"cannot fulfill requested CSI volume mounts on (?<count>\d+) nodes?"), Filter.Volumes),
        };

        private static readonly Regex NoSuchImage = new Regex(@"No such image: (?<image>\S+)", RegexOptions.CultureInvariant);
        private static readonly Regex PortAllocated = new Regex(@"Bind for \S*:(?<port>\d+) failed: port is already allocated", RegexOptions.CultureInvariant);
        private static readonly Regex AddressInUse = new Regex(@"listen (?<protocol>tcp|udp)\d? \S*:(?<port>\d+): bind: address already in use", RegexOptions.CultureInvariant);
        private static readonly Regex NonZeroExit = new Regex(@"^task: non-zero exit \((?<code>-?\d+)\)$", RegexOptions.CultureInvariant);

        private enum Filter
        {
            Ready,
            Resources,
            Plugin,
            Constraints,
            Platform,
            HostPort,
            MaxReplicas,
            Volumes,
        }

        /// <summary>
        /// Why <paramref name="task"/> is not running, in plain words; empty when it runs or swarm gave no error.
        /// </summary>
        /// <param name="task">The task as the Engine API lists it.</param>
        /// <param name="service">Its service's spec, for the host ports it publishes; null when unknown.</param>
        /// <param name="nodes">The swarm's nodes, to name them.</param>
        /// <param name="clusterTasks">
        /// Every task of the swarm, to work out each node's free CPUs and memory and who holds a host port; null to
        /// leave those details out (the reason itself does not need them).
        /// </param>
        public static string Explain(TaskResponse task, ServiceSpec? service, IReadOnlyList<NodeListResponse> nodes, IReadOnlyList<TaskResponse>? clusterTasks = null)
        {
            ArgumentNullException.ThrowIfNull(task);
            ArgumentNullException.ThrowIfNull(nodes);
            string error = task.Status?.Err?.Trim() ?? string.Empty;
            if (task.Status?.State == TaskState.Running || error.Length == 0)
            {
                return string.Empty;
            }

            var scene = new Scene(task, service, nodes, clusterTasks);
            if (error.StartsWith(NoSuitableNode, StringComparison.Ordinal))
            {
                return FromScheduler(error, scene);
            }

            Match match = NoSuchImage.Match(error);
            if (match.Success)
            {
                return $"image {match.Groups["image"].Value.Split('@')[0]} is not on {scene.NodeName} and could not be pulled";
            }

            match = PortAllocated.Match(error);
            if (match.Success)
            {
                return $"host port {match.Groups["port"].Value} is already in use on {scene.NodeName}";
            }

            match = AddressInUse.Match(error);
            if (match.Success)
            {
                return $"host port {match.Groups["port"].Value}/{match.Groups["protocol"].Value} is already in use on {scene.NodeName}";
            }

            match = NonZeroExit.Match(error);
            if (match.Success)
            {
                string code = match.Groups["code"].Value;
                return code == "137"
                    ? "the container was killed (exit code 137), often for running out of memory"
                    : $"the container exited with code {code}";
            }

            return error;
        }

        private static string FromScheduler(string error, Scene scene)
        {
            Match match = Scheduler.Match(error);
            if (!match.Success)
            {
                return error;
            }

            string why = match.Groups["why"].Value;
            if (why.Length == 0)
            {
                // No filter failed: there was no node to try.
                return "the swarm has no node to place it on";
            }

            string[] parts = why.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 1)
            {
                return Phrase(parts[0], scene, whole: true);
            }

            return "no node can take it: " + string.Join("; ", parts.Select(p => Phrase(p, scene, whole: false)));
        }

        /// <summary>One filter's failure: for every node (<paramref name="whole"/>) or for the nodes it counts.</summary>
        private static string Phrase(string part, Scene scene, bool whole)
        {
            foreach ((Regex pattern, Filter filter) in Filters)
            {
                Match match = pattern.Match(part);
                if (!match.Success)
                {
                    continue;
                }

                int count = match.Groups["count"].Success ? int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture) : 0;
                return filter switch
                {
                    Filter.Ready => Unavailable(scene, count, whole),
                    Filter.Resources => Resources(scene, count, whole),
                    Filter.Plugin => whole
                        ? "no node has a plugin it needs (volume, network or log driver)"
                        : $"{Nodes(count)} {Lack(count)} a plugin it needs (volume, network or log driver)",
                    Filter.Constraints => whole
                        ? $"no node matches {scene.Constraints}"
                        : $"{Nodes(count)} {DoNot(count)} match {scene.Constraints}",
                    Filter.Platform => whole
                        ? $"no node runs {scene.Platforms}"
                        : $"{Nodes(count)} {Run(count)} another platform than {scene.Platforms}",
                    Filter.HostPort => HostPorts(scene, count, whole),
                    Filter.MaxReplicas => MaxReplicas(scene, whole),
                    _ => whole
                        ? "no node can mount the CSI volumes it asks for"
                        : $"{Nodes(count)} cannot mount the CSI volumes it asks for",
                };
            }

            // A filter this version does not know: swarm's words are the best there are.
            return part;
        }

        private static string Unavailable(Scene scene, int count, bool whole)
        {
            List<string> states = scene.Nodes.Where(n => !IsAvailable(n)).Select(n => $"{NameOf(n)} is {StateOf(n)}").ToList();
            string named = Named(states);
            if (whole)
            {
                return states.Count == 0 ? "no node is available for new tasks (all are down, drained or paused)" : $"no node is available for new tasks: {named}";
            }

            return states.Count == count ? named : $"{Nodes(count)} {(count == 1 ? "is" : "are")} down, drained or paused";
        }

        private static string Resources(Scene scene, int count, bool whole)
        {
            SwarmResources? reserved = scene.Task.Spec?.Resources?.Reservations;
            long cpus = reserved?.NanoCPUs ?? 0;
            long memory = reserved?.MemoryBytes ?? 0;
            var needs = new List<string>();
            if (cpus > 0)
            {
                needs.Add(cpus == (long)NanoCpusPerCpu ? "1 free CPU" : $"{Cpus(cpus)} free CPUs");
            }

            if (memory > 0)
            {
                needs.Add($"{Bytes(memory)} free memory");
            }

            string need = needs.Count == 0 ? "the resources it reserves" : string.Join(" and ", needs);
            string detail = string.Empty;
            if (scene.ClusterTasks != null && needs.Count > 0)
            {
                // Free as the scheduler counts it: the node's resources less what its assigned-to-running tasks reserve.
                var lacking = scene.Nodes.Where(IsAvailable).Select(n => (Node: n, Cpus: FreeCpus(n, scene), Memory: FreeMemory(n, scene)))
                    .Where(f => f.Cpus < cpus || f.Memory < memory)
                    .Select(f => $"{NameOf(f.Node)} has {Free(f.Cpus, f.Memory, cpus > 0, memory > 0)} free")
                    .ToList();
                detail = lacking.Count == 0 ? string.Empty : $" ({Named(lacking)})";
            }

            return whole ? $"no node has {need}{detail}" : $"{Nodes(count)} {DoNot(count)} have {need}{detail}";
        }

        private static string HostPorts(Scene scene, int count, bool whole)
        {
            List<PortConfig> ports = (scene.Service?.EndpointSpec?.Ports ?? new List<PortConfig>())
                .Where(p => string.Equals(p.PublishMode, "host", StringComparison.OrdinalIgnoreCase) && p.PublishedPort is > 0)
                .ToList();
            string shown = ports.Count == 0
                ? "a host port it publishes"
                : (ports.Count == 1 ? "host port " : "host ports ") + string.Join(" and ", ports.Select(p => $"{p.PublishedPort}/{Protocol(p.Protocol)}"));

            List<string> holders = scene.ClusterTasks == null
                ? new List<string>()
                : scene.Nodes.Where(n => scene.ClusterTasks.Any(t => t.ID != scene.Task.ID && t.NodeID == n.ID && HoldsResources(t) && Holds(t, ports))).Select(NameOf).ToList();
            if (whole)
            {
                return holders.Count == 0 ? $"no node has {shown} free" : $"no node has {shown} free (in use on {Named(holders)})";
            }

            string verb = ports.Count > 1 ? "are" : "is";
            return holders.Count == count ? $"{shown} {verb} already in use on {Named(holders)}" : $"{shown} {verb} already in use on {Nodes(count)}";
        }

        private static string MaxReplicas(Scene scene, bool whole)
        {
            ulong? max = scene.Task.Spec?.Placement?.MaxReplicas;
            string limit = max is > 0 ? $"{max} {(max == 1 ? "replica" : "replicas")} of it, the most allowed per node" : "as many replicas of it as allowed per node";
            return whole ? $"every node already runs {limit}" : $"the other nodes already run {limit}";
        }

        private static bool Holds(TaskResponse task, IReadOnlyList<PortConfig> ports) =>
            (task.Status?.PortStatus?.Ports ?? new List<PortConfig>()).Any(held =>
                ports.Any(p => p.PublishedPort == held.PublishedPort && Protocol(p.Protocol) == Protocol(held.Protocol)));

        /// <summary>The states in which swarm's scheduler counts a task against its node (assigned up to running).</summary>
        private static bool HoldsResources(TaskResponse task) => task.Status?.State is >= TaskState.Assigned and <= TaskState.Running;

        private static long FreeCpus(NodeListResponse node, Scene scene) =>
            Math.Max(0, (node.Description?.Resources?.NanoCPUs ?? 0) - scene.ReservedOn(node).Sum(r => r?.NanoCPUs ?? 0));

        private static long FreeMemory(NodeListResponse node, Scene scene) =>
            Math.Max(0, (node.Description?.Resources?.MemoryBytes ?? 0) - scene.ReservedOn(node).Sum(r => r?.MemoryBytes ?? 0));

        private static string Free(long cpus, long memory, bool showCpus, bool showMemory)
        {
            var parts = new List<string>();
            if (showCpus)
            {
                parts.Add(cpus == (long)NanoCpusPerCpu ? "1 CPU" : $"{Cpus(cpus)} CPUs");
            }

            if (showMemory)
            {
                parts.Add(Bytes(memory));
            }

            return string.Join(" and ", parts);
        }

        private static bool IsAvailable(NodeListResponse node) =>
            string.Equals(node.Status?.State, "ready", StringComparison.OrdinalIgnoreCase)
            && string.Equals(node.Spec?.Availability, "active", StringComparison.OrdinalIgnoreCase);

        /// <summary>Why a node takes no new tasks, as ReadyFilter sees it: not ready, or drained or paused.</summary>
        private static string StateOf(NodeListResponse node)
        {
            string state = (node.Status?.State ?? string.Empty).ToLowerInvariant();
            if (state != "ready")
            {
                return state is "down" or "disconnected" ? state : $"not ready ({(state.Length == 0 ? "unknown" : state)})";
            }

            return (node.Spec?.Availability ?? string.Empty).ToLowerInvariant() switch
            {
                "drain" => "drained",
                "pause" => "paused",
                string other => $"not active ({other})",
            };
        }

        private static string NameOf(NodeListResponse node) =>
            string.IsNullOrEmpty(node.Description?.Hostname) ? node.ID ?? string.Empty : node.Description.Hostname;

        /// <summary>At most ten, then how many more: a reason stays one line.</summary>
        private static string Named(IReadOnlyList<string> items) =>
            items.Count <= MaximumNodesNamed
                ? string.Join(", ", items)
                : string.Join(", ", items.Take(MaximumNodesNamed)) + $" and {items.Count - MaximumNodesNamed} more";

        private static string Nodes(int count) => count == 1 ? "1 node" : $"{count} nodes";

        private static string DoNot(int count) => count == 1 ? "does not" : "do not";

        private static string Lack(int count) => count == 1 ? "lacks" : "lack";

        private static string Run(int count) => count == 1 ? "runs" : "run";

        private static string Protocol(string? protocol) => string.IsNullOrEmpty(protocol) ? "tcp" : protocol.ToLowerInvariant();

        private static string Cpus(long nanoCpus) => (nanoCpus / NanoCpusPerCpu).ToString("0.##", CultureInfo.InvariantCulture);

        /// <summary>Memory as a person reads it: 512 MiB, 1.5 GiB.</summary>
        internal static string Bytes(long bytes)
        {
            const long KiB = 1024;
            const long MiB = KiB * 1024;
            const long GiB = MiB * 1024;
            return bytes switch
            {
                >= GiB => ((double)bytes / GiB).ToString("0.#", CultureInfo.InvariantCulture) + " GiB",
                >= MiB => ((double)bytes / MiB).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
                >= KiB => ((double)bytes / KiB).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
                _ => $"{bytes} bytes",
            };
        }

        /// <summary>
        /// A constraint as SwarmPS users write it: node.labels.KEY as the classic KEY (which SwarmPS sends as that node
        /// label), anything else in swarm syntax.
        /// </summary>
        private static string ShowConstraint(string constraint)
        {
            string text = constraint.Trim();
            return text.StartsWith("node.labels.", StringComparison.OrdinalIgnoreCase) ? text.Substring("node.labels.".Length) : text;
        }

        private static Regex Part(string pattern) => new Regex("^" + pattern + "$", RegexOptions.CultureInvariant);

        /// <summary>What the phrases read: the task, its service, the nodes and, when given, every task of the swarm.</summary>
        private sealed class Scene
        {
            internal Scene(TaskResponse task, ServiceSpec? service, IReadOnlyList<NodeListResponse> nodes, IReadOnlyList<TaskResponse>? clusterTasks)
            {
                Task = task;
                Service = service;
                Nodes = nodes;
                ClusterTasks = clusterTasks;
            }

            internal TaskResponse Task { get; }

            internal ServiceSpec? Service { get; }

            internal IReadOnlyList<NodeListResponse> Nodes { get; }

            internal IReadOnlyList<TaskResponse>? ClusterTasks { get; }

            /// <summary>The task's node by name, for an engine's own error.</summary>
            internal string NodeName
            {
                get
                {
                    NodeListResponse? node = Nodes.FirstOrDefault(n => !string.IsNullOrEmpty(Task.NodeID) && n.ID == Task.NodeID);
                    return node != null ? NameOf(node) : string.IsNullOrEmpty(Task.NodeID) ? "its node" : Task.NodeID;
                }
            }

            internal string Constraints
            {
                get
                {
                    IList<string> constraints = Task.Spec?.Placement?.Constraints ?? new List<string>();
                    return constraints.Count == 0 ? "its placement constraints" : string.Join(" and ", constraints.Select(ShowConstraint));
                }
            }

            internal string Platforms
            {
                get
                {
                    IList<SwarmPlatform> platforms = Task.Spec?.Placement?.Platforms ?? new List<SwarmPlatform>();
                    return platforms.Count == 0 ? "the platform its image needs" : string.Join(" or ", platforms.Select(p => $"{p.OS}/{p.Architecture}".Trim('/')));
                }
            }

            internal IEnumerable<SwarmResources?> ReservedOn(NodeListResponse node) =>
                (ClusterTasks ?? Array.Empty<TaskResponse>())
                    .Where(t => t.ID != Task.ID && t.NodeID == node.ID && HoldsResources(t))
                    .Select(t => t.Spec?.Resources?.Reservations);
        }
    }
}
