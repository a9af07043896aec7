using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>
    /// Whether a reservation fits on a node, as swarm's scheduler decides it: the node's CPUs and memory
    /// less what the tasks meant to run there already reserve.
    /// </summary>
    public static class ResourceFit
    {
        private const double NanoCpusPerCpu = 1e9;

        /// <summary>The node's unreserved CPUs and memory.</summary>
        public static (double Cpus, long Memory) Free(NodeListResponse node, IEnumerable<TaskResponse> tasks)
        {
            List<TaskResponse> onNode = tasks.Where(t => t.NodeID == node.ID && t.DesiredState == TaskState.Running).ToList();
            long reservedCpu = onNode.Sum(t => t.Spec?.Resources?.Reservations?.NanoCPUs ?? 0);
            long reservedMemory = onNode.Sum(t => t.Spec?.Resources?.Reservations?.MemoryBytes ?? 0);
            long totalCpu = node.Description?.Resources?.NanoCPUs ?? 0;
            long totalMemory = node.Description?.Resources?.MemoryBytes ?? 0;
            return ((totalCpu - reservedCpu) / NanoCpusPerCpu, totalMemory - reservedMemory);
        }

        /// <summary>
        /// Fails with InsufficientResources, naming each node's free CPUs and memory, when none of
        /// <paramref name="candidates"/> can hold one task's reservation.
        /// </summary>
        public static void Require(string container, ContainerSettings settings, IReadOnlyList<NodeListResponse> candidates, IEnumerable<TaskResponse> tasks)
        {
            if (!settings.HasReservation)
            {
                return;
            }

            List<TaskResponse> all = tasks.ToList();
            var free = candidates.Select(node => (Node: node, Free: Free(node, all))).ToList();
            bool fits = free.Any(f => (settings.ReserveCpu ?? 0) <= f.Free.Cpus + 1e-9 && (settings.ReserveMemory ?? 0) <= f.Free.Memory);
            if (fits)
            {
                return;
            }

            string wanted = string.Join(" and ", new[]
            {
                settings.ReserveCpu is double cpu ? $"{cpu.ToString("0.###", CultureInfo.InvariantCulture)} CPUs" : null,
                settings.ReserveMemory is long memory ? MemorySize.Format(memory) + " of memory" : null,
            }.Where(part => part != null));
            string nodes = string.Join("; ", free.Select(f =>
                $"{f.Node.Description?.Hostname}: {Math.Max(0, f.Free.Cpus).ToString("0.###", CultureInfo.InvariantCulture)} CPUs and {MemorySize.Format(Math.Max(0, f.Free.Memory))} free"));
            throw new SwarmException("InsufficientResources", SwarmErrorKind.ResourceUnavailable,
                $"'{container}' reserves {wanted}, which no node that meets its constraints can hold ({nodes}). Reserve less (-ReserveCpu, -ReserveMemory), free a node by removing or shrinking other containers, or add a node. Nothing was created.", container);
        }
    }
}
