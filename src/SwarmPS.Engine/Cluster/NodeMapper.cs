using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Cluster
{
    /// <summary>Maps the Engine API's node and task records onto <see cref="SwarmNode"/>: pure, so unit-tested.</summary>
    public static class NodeMapper
    {
        private const double NanoCpusPerCpu = 1_000_000_000d;

        public static SwarmNode Map(NodeListResponse node, IEnumerable<TaskResponse> tasks, string cluster, bool changed = false)
        {
            List<TaskResponse> running = tasks
                .Where(t => t.NodeID == node.ID && string.Equals(StateOf(t), "running", StringComparison.OrdinalIgnoreCase))
                .ToList();
            SwarmResources? resources = node.Description?.Resources;
            return new SwarmNode(new SwarmNodeData
            {
                Id = node.ID ?? string.Empty,
                Hostname = node.Description?.Hostname ?? string.Empty,
                Address = AddressOf(node),
                Role = node.Spec?.Role ?? string.Empty,
                Availability = node.Spec?.Availability ?? string.Empty,
                State = node.Status?.State ?? string.Empty,
                ManagerStatus = ManagerStatusOf(node.ManagerStatus),
                EngineVersion = node.Description?.Engine?.EngineVersion ?? string.Empty,
                CPUs = (resources?.NanoCPUs ?? 0) / NanoCpusPerCpu,
                Memory = resources?.MemoryBytes ?? 0,
                NodeLabels = Copy(node.Spec?.Labels),
                EngineLabels = Copy(node.Description?.Engine?.Labels),
                Containers = running.Count,
                ReservedCpus = running.Sum(t => t.Spec?.Resources?.Reservations?.NanoCPUs ?? 0) / NanoCpusPerCpu,
                ReservedMemory = running.Sum(t => t.Spec?.Resources?.Reservations?.MemoryBytes ?? 0),
                Cluster = cluster,
                Changed = changed,
            });
        }

        /// <summary>Leader, Reachable or Unreachable, as docker node ls shows a manager; empty for a worker.</summary>
        public static string ManagerStatusOf(ManagerStatus? status)
        {
            if (status == null)
            {
                return string.Empty;
            }

            if (status.Leader == true)
            {
                return "Leader";
            }

            return status.Reachability switch
            {
                "reachable" => "Reachable",
                "unreachable" => "Unreachable",
                null or "" => string.Empty,
                string other => char.ToUpperInvariant(other[0]) + other.Substring(1),
            };
        }

        /// <summary>The node's address without the raft port; a manager's status address is the most precise.</summary>
        public static string AddressOf(NodeListResponse node)
        {
            string? address = node.Status?.Addr;
            if (string.IsNullOrEmpty(address) || address == "0.0.0.0")
            {
                address = node.ManagerStatus?.Addr;
            }

            if (string.IsNullOrEmpty(address))
            {
                return string.Empty;
            }

            int colon = address.LastIndexOf(':');
            return colon > 0 && address.IndexOf(':') == colon ? address.Substring(0, colon) : address;
        }

        private static string StateOf(TaskResponse task) => task.Status?.State.ToString() ?? string.Empty;

        private static IDictionary<string, string> Copy(IDictionary<string, string>? labels) =>
            labels == null ? new Dictionary<string, string>() : new Dictionary<string, string>(labels, StringComparer.Ordinal);
    }
}
