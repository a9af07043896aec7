using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>Maps swarm tasks onto <see cref="SwarmTask"/> and orders them as docker service ps does: pure, so unit-tested.</summary>
    public static class TaskMapper
    {
        /// <summary>
        /// One task of the service named <paramref name="container"/>, with its node's hostname and the reason it is
        /// not running (see <see cref="TaskReasons"/>).
        /// </summary>
        public static SwarmTask Map(TaskResponse task, string container, ServiceSpec? service, IReadOnlyList<NodeListResponse> nodes, IReadOnlyList<TaskResponse>? clusterTasks, string cluster)
        {
            ArgumentNullException.ThrowIfNull(task);
            ArgumentNullException.ThrowIfNull(nodes);
            string nodeId = task.NodeID ?? string.Empty;
            NodeListResponse? node = nodeId.Length == 0 ? null : nodes.FirstOrDefault(n => n.ID == nodeId);
            return new SwarmTask(new SwarmTaskData
            {
                Container = container,
                ServiceId = task.ServiceID ?? string.Empty,
                Slot = task.Slot ?? 0,
                TaskId = task.ID ?? string.Empty,
                // A node that has left the swarm since keeps its id, as docker service ps shows it.
                Node = node?.Description?.Hostname ?? nodeId,
                NodeId = nodeId,
                DesiredState = StateText(task.DesiredState),
                CurrentState = StateText(task.Status?.State),
                Since = task.Status?.Timestamp ?? task.UpdatedAt ?? task.CreatedAt,
                Error = task.Status?.Err ?? string.Empty,
                Reason = TaskReasons.Explain(task, service, nodes, clusterTasks),
                Image = (task.Spec?.ContainerSpec?.Image ?? string.Empty).Split('@')[0],
                ContainerId = task.Status?.ContainerStatus?.ContainerID ?? string.Empty,
                Cluster = cluster,
            });
        }

        /// <summary>
        /// docker service ps's order: by slot (by node for a global service), the newest task of each first. With
        /// <paramref name="latest"/> only that newest one of each slot stays.
        /// </summary>
        public static IReadOnlyList<TaskResponse> Order(IEnumerable<TaskResponse> tasks, bool latest)
        {
            ArgumentNullException.ThrowIfNull(tasks);
            IEnumerable<IGrouping<string, TaskResponse>> slots = tasks
                .GroupBy(SlotOf)
                .OrderBy(g => g.First().Slot is > 0 ? 0 : 1)
                .ThenBy(g => g.First().Slot ?? 0)
                .ThenBy(g => g.Key, StringComparer.Ordinal);
            return slots
                .SelectMany(g =>
                {
                    IEnumerable<TaskResponse> newestFirst = g.OrderByDescending(t => t.CreatedAt ?? DateTime.MinValue).ThenBy(t => t.ID, StringComparer.Ordinal);
                    return latest ? newestFirst.Take(1) : newestFirst;
                })
                .ToList();
        }

        /// <summary>running, pending, shutdown: the Engine API's words, as docker service ps shows them.</summary>
        public static string StateText(TaskState? state) => state?.ToString().ToLowerInvariant() ?? string.Empty;

        private static string SlotOf(TaskResponse task) => task.Slot is > 0 ? $"slot {task.Slot}" : $"node {task.NodeID}";
    }
}
