using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using TaskStatus = Docker.DotNet.Models.TaskStatus;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>Maps engine containers and swarm tasks onto <see cref="SwarmContainer"/>: pure, so unit-tested.</summary>
    public static class ContainerMapper
    {
        private const string ServiceNameLabel = "com.docker.swarm.service.name";
        private const string ServiceIdLabel = "com.docker.swarm.service.id";
        private const string TaskIdLabel = "com.docker.swarm.task.id";

        public static SwarmContainer Map(ContainerListResponse container, string node, string address, string cluster)
        {
            string containerName = (container.Names?.FirstOrDefault() ?? string.Empty).TrimStart('/');
            IDictionary<string, string> labels = container.Labels ?? new Dictionary<string, string>();
            return new SwarmContainer(new SwarmContainerData
            {
                Name = labels.TryGetValue(ServiceNameLabel, out string? service) ? service : containerName,
                Node = node,
                Address = address,
                ContainerId = container.ID ?? string.Empty,
                ContainerName = containerName,
                ServiceId = labels.TryGetValue(ServiceIdLabel, out string? serviceId) ? serviceId : string.Empty,
                TaskId = labels.TryGetValue(TaskIdLabel, out string? taskId) ? taskId : string.Empty,
                Image = (container.Image ?? string.Empty).Split('@')[0],
                ImageDigest = DigestOf(container.Image),
                Command = container.Command ?? string.Empty,
                Created = container.Created == default ? null : container.Created,
                State = container.State ?? string.Empty,
                Status = container.Status ?? string.Empty,
                Health = HealthOf(container.Status),
                Ports = (container.Ports ?? new List<PortSummary>())
                    .Where(p => p.PublicPort is > 0)
                    .Select(p => FormatPort(address, p.PublicPort!.Value, p.PrivatePort, p.Type))
                    .Distinct()
                    .OrderBy(p => p, StringComparer.Ordinal)
                    .ToList(),
                Cluster = cluster,
                Mounts = (container.Mounts ?? new List<MountPoint>()).Select(Storage.MountParser.Format).ToList(),
                Networks = (container.NetworkSettings?.Networks?.Keys ?? (ICollection<string>)Array.Empty<string>()).OrderBy(n => n, StringComparer.Ordinal).ToList(),
            });
        }

        /// <summary>
        /// A swarm task as docker ps shows its container (<paramref name="mode"/>: its service's, replicated or global): the service's name, the hostname and address of
        /// <paramref name="node"/> (null while the task has none), the engine's name for the container, the task's
        /// state, a docker ps status as of <paramref name="now"/> (UTC) and the host-mode ports.
        /// </summary>
        public static SwarmContainer FromTask(TaskResponse task, string service, NodeListResponse? node, string cluster, DateTime now, bool changed = false, string health = "", string mode = "")
        {
            string address = node == null ? string.Empty : NodeMapper.AddressOf(node);
            ContainerSpec? spec = task.Spec?.ContainerSpec;
            return new SwarmContainer(new SwarmContainerData
            {
                Name = service,
                Node = node?.Description?.Hostname ?? string.Empty,
                Address = address,
                ContainerId = task.Status?.ContainerStatus?.ContainerID ?? string.Empty,
                ContainerName = ContainerNameOf(task, service),
                ServiceId = task.ServiceID ?? string.Empty,
                TaskId = task.ID ?? string.Empty,
                Image = (spec?.Image ?? string.Empty).Split('@')[0],
                ImageDigest = DigestOf(spec?.Image),
                // What the container runs, as docker ps shows it: the entrypoint given, then the arguments.
                Command = string.Join(" ", (spec?.Command ?? new List<string>()).Concat(spec?.Args ?? new List<string>())),
                Created = task.CreatedAt,
                State = task.Status?.State?.ToString().ToLowerInvariant() ?? string.Empty,
                // docker ps puts the health after the uptime: Up 5 minutes (healthy).
                Status = health.Length == 0 ? StatusOf(task, now) : $"{StatusOf(task, now)} ({(health == "starting" ? "health: starting" : health)})",
                Health = health,
                Ports = (task.Status?.PortStatus?.Ports ?? new List<PortConfig>())
                    .Where(p => p.PublishedPort is > 0)
                    .Select(p => FormatPort(address, p.PublishedPort!.Value, p.TargetPort ?? 0, p.Protocol))
                    .ToList(),
                Cluster = cluster,
                Changed = changed,
                Mounts = (spec?.Mounts ?? new List<Mount>()).Select(Storage.MountParser.Format).ToList(),
                Mode = mode,
                PlacementPreferences = (task.Spec?.Placement?.Preferences ?? new List<PlacementPreference>()).Select(PlacementPreferences.Format).ToList(),
                MaxReplicasPerNode = task.Spec?.Placement?.MaxReplicas ?? 0,
                Networks = (task.NetworksAttachments ?? new List<NetworkAttachment>())
                    .Select(a => a.Network?.Spec?.Name ?? string.Empty)
                    .Where(n => n.Length > 0)
                    .OrderBy(n => n, StringComparer.Ordinal)
                    .ToList(),
            });
        }

        /// <summary>The engine's name for a task's container, as swarm gives it: {service}.{slot}.{task}, or {service}.{node}.{task} for a global service's task (slot 0).</summary>
        public static string ContainerNameOf(TaskResponse task, string service) =>
            task.Slot is > 0 ? $"{service}.{task.Slot}.{task.ID}" : $"{service}.{task.NodeID}.{task.ID}";

        /// <summary>A replica's name in a merged log: {service}.{slot}; a global service's task is known by its node, so just {service}.</summary>
        public static string ReplicaNameOf(TaskResponse task, string service) =>
            task.Slot is > 0 ? $"{service}.{task.Slot}" : service;

        /// <summary>docker ps's status for a task: Up 5 minutes, Exited (0) 2 hours ago, or, without a container, the state and why (Pending: no suitable node ...).</summary>
        /// <summary>The health in a docker ps status line: Up 5 minutes (healthy), (unhealthy), (health: starting); empty when it has none.</summary>
        public static string HealthOf(string? status)
        {
            string text = status ?? string.Empty;
            return text.EndsWith("(healthy)", StringComparison.Ordinal) ? "healthy"
                : text.EndsWith("(unhealthy)", StringComparison.Ordinal) ? "unhealthy"
                : text.EndsWith("(health: starting)", StringComparison.Ordinal) ? "starting"
                : string.Empty;
        }

        internal static string StatusOf(TaskResponse task, DateTime now)
        {
            TaskStatus? status = task.Status;
            TimeSpan? age = status?.Timestamp is DateTime at ? now - (at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at) : null;
            bool hasContainer = !string.IsNullOrEmpty(status?.ContainerStatus?.ContainerID);
            switch (status?.State)
            {
                case TaskState.Running:
                    return age is TimeSpan up ? "Up " + HumanDuration(up) : "Up";
                case TaskState.Complete or TaskState.Shutdown or TaskState.Failed when hasContainer:
                    string exited = $"Exited ({status.ContainerStatus!.ExitCode})";
                    return age is TimeSpan ago ? $"{exited} {HumanDuration(ago)} ago" : exited;
                default:
                    string state = status?.State?.ToString() ?? string.Empty;
                    string reason = !string.IsNullOrEmpty(status?.Err) ? status.Err : status?.Message ?? string.Empty;
                    return reason.Length == 0 ? state : $"{state}: {reason}";
            }
        }

        /// <summary>A duration as docker ps words it (go-units HumanDuration): Less than a second, 5 seconds, About a minute, 3 hours, 2 weeks.</summary>
        internal static string HumanDuration(TimeSpan duration)
        {
            int seconds = (int)duration.TotalSeconds;
            int minutes = (int)duration.TotalMinutes;
            int hours = (int)Math.Round(duration.TotalHours, MidpointRounding.AwayFromZero);
            return seconds switch
            {
                < 1 => "Less than a second",
                1 => "1 second",
                < 60 => $"{seconds} seconds",
                _ when minutes == 1 => "About a minute",
                _ when minutes < 60 => $"{minutes} minutes",
                _ when hours == 1 => "About an hour",
                _ when hours < 48 => $"{hours} hours",
                _ when hours < 24 * 7 * 2 => $"{hours / 24} days",
                _ when hours < 24 * 30 * 2 => $"{hours / 24 / 7} weeks",
                _ when hours < 24 * 365 * 2 => $"{hours / 24 / 30} months",
                _ => $"{(int)duration.TotalHours / 24 / 365} years",
            };
        }

        /// <summary>docker ps's form: 10.213.7.101:30001->80/tcp.</summary>
        public static string FormatPort(string address, uint published, uint target, string? protocol) =>
            $"{address}:{published}->{target}/{(string.IsNullOrEmpty(protocol) ? "tcp" : protocol.ToLowerInvariant())}";

        private static string DigestOf(string? image)
        {
            int at = (image ?? string.Empty).IndexOf('@');
            return at < 0 ? string.Empty : image!.Substring(at + 1);
        }
    }
}
