using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>Maps engine containers and swarm tasks onto <see cref="SwarmContainer"/>: pure, so unit-tested.</summary>
    public static class ContainerMapper
    {
        private const string ServiceNameLabel = "com.docker.swarm.service.name";
        private const string ServiceIdLabel = "com.docker.swarm.service.id";

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
                Image = (container.Image ?? string.Empty).Split('@')[0],
                Command = container.Command ?? string.Empty,
                Created = container.Created == default ? null : container.Created,
                State = container.State ?? string.Empty,
                Status = container.Status ?? string.Empty,
                Ports = (container.Ports ?? new List<PortSummary>())
                    .Where(p => p.PublicPort is > 0)
                    .Select(p => FormatPort(address, p.PublicPort!.Value, p.PrivatePort, p.Type))
                    .Distinct()
                    .OrderBy(p => p, StringComparer.Ordinal)
                    .ToList(),
                Cluster = cluster,
            });
        }

        public static SwarmContainer FromTask(TaskResponse task, string name, string image, NodeListResponse node, string cluster, bool changed)
        {
            string address = NodeMapper.AddressOf(node);
            return new SwarmContainer(new SwarmContainerData
            {
                Name = name,
                Node = node.Description?.Hostname ?? string.Empty,
                Address = address,
                ContainerId = task.Status?.ContainerStatus?.ContainerID ?? string.Empty,
                ContainerName = $"{name}.{task.Slot}.{task.ID}",
                ServiceId = task.ServiceID ?? string.Empty,
                Image = image,
                // SwarmPS puts the command in Args (the entrypoint stays); a service made elsewhere may set Command.
                Command = string.Join(" ", (task.Spec?.ContainerSpec?.Command ?? new List<string>()).Concat(task.Spec?.ContainerSpec?.Args ?? new List<string>())),
                Created = task.CreatedAt,
                State = task.Status?.State?.ToString().ToLowerInvariant() ?? string.Empty,
                // docker ps says "Up ..." for a running container; a task only knows its state.
                Status = task.Status?.State == TaskState.Running ? "Up" : task.Status?.Message ?? string.Empty,
                Ports = (task.Status?.PortStatus?.Ports ?? new List<PortConfig>())
                    .Where(p => p.PublishedPort is > 0)
                    .Select(p => FormatPort(address, p.PublishedPort!.Value, p.TargetPort ?? 0, p.Protocol))
                    .ToList(),
                Cluster = cluster,
                Changed = changed,
            });
        }

        /// <summary>docker ps's form: 10.213.7.101:30001->80/tcp.</summary>
        public static string FormatPort(string address, uint published, uint target, string? protocol) =>
            $"{address}:{published}->{target}/{(string.IsNullOrEmpty(protocol) ? "tcp" : protocol.ToLowerInvariant())}";
    }
}
