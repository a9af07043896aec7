using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS
{
    /// <summary>A container in the cluster, as docker ps across the cluster shows it: node/name, image, status, ports.</summary>
    public sealed class SwarmContainer
    {
        public SwarmContainer(SwarmContainerData data)
        {
            Name = data.Name;
            Node = data.Node;
            Address = data.Address;
            ContainerId = data.ContainerId;
            ContainerName = data.ContainerName;
            ServiceId = data.ServiceId;
            TaskId = data.TaskId;
            Image = data.Image;
            ImageDigest = data.ImageDigest;
            Command = data.Command;
            Created = data.Created;
            State = data.State;
            Status = data.Status;
            Ports = data.Ports.ToArray();
            Cluster = data.Cluster;
            Health = data.Health;
            Changed = data.Changed;
            Mounts = data.Mounts.ToArray();
            Mode = data.Mode;
            PlacementPreferences = data.PlacementPreferences.ToArray();
            MaxReplicasPerNode = data.MaxReplicasPerNode;
            Networks = data.Networks.ToArray();
        }

        /// <summary>The service name for a swarm task (db), else the container name.</summary>
        public string Name { get; }

        /// <summary>The hostname of the node the container runs on.</summary>
        public string Node { get; }

        /// <summary>The node's address, where published ports are reached.</summary>
        public string Address { get; }

        public string ContainerId { get; }

        /// <summary>The engine's own name for the container (db.1.x7k... for a swarm task).</summary>
        public string ContainerName { get; }

        /// <summary>The swarm service behind the container; empty for a container started outside swarm.</summary>
        public string ServiceId { get; }

        /// <summary>The swarm task the container runs; empty for a container started outside swarm, or a service read without its tasks.</summary>
        public string TaskId { get; }

        /// <summary>The image as docker ps shows it: name and tag.</summary>
        public string Image { get; }

        /// <summary>The digest the service is pinned to (sha256:...), as the registry gave it; empty for an image the nodes had locally.</summary>
        public string ImageDigest { get; }

        public string Command { get; }

        public DateTime? Created { get; }

        /// <summary>A swarm task's state (running, pending, complete, failed, shutdown, ...), else the engine's (running, exited, ...).</summary>
        public string State { get; }

        /// <summary>As docker ps shows it, such as Up 5 minutes or Exited (0) 2 hours ago; for a task without a container, its state and why (Pending: no suitable node ...).</summary>
        public string Status { get; }

        /// <summary>Published ports as docker ps shows them: 10.213.7.101:30001->80/tcp.</summary>
        public IReadOnlyList<string> Ports { get; }

        public string Cluster { get; }

        /// <summary>True when the command that returned this object created it.</summary>
        /// <summary>healthy, unhealthy or starting for a container with a health check (as docker ps shows it); empty otherwise.</summary>
        public string Health { get; }

        public bool Changed { get; }

        /// <summary>The container's mounts in --mount syntax: type=volume,source=dbdata,target=/var/lib/mysql.</summary>
        public IReadOnlyList<string> Mounts { get; }

        /// <summary>replicated or global (one container on every eligible node) for a swarm task; empty for a container outside the swarm or when unknown.</summary>
        public string Mode { get; }

        /// <summary>The service's placement preferences in --placement-pref syntax: spread=node.labels.zone.</summary>
        public IReadOnlyList<string> PlacementPreferences { get; }

        /// <summary>The most containers of the service on one node; 0 is no limit.</summary>
        public ulong MaxReplicasPerNode { get; }

        /// <summary>The networks the container is on (overlay networks by name; ingress when it publishes through the routing mesh).</summary>
        public IReadOnlyList<string> Networks { get; }

        /// <summary>node/name, as classic swarm's docker ps named containers.</summary>
        public override string ToString() => string.IsNullOrEmpty(Node) ? Name : $"{Node}/{Name}";
    }

    /// <summary>The values a <see cref="SwarmContainer"/> is made from.</summary>
    public sealed class SwarmContainerData
    {
        public string Name { get; init; } = string.Empty;

        public string Node { get; init; } = string.Empty;

        public string Address { get; init; } = string.Empty;

        public string ContainerId { get; init; } = string.Empty;

        public string ContainerName { get; init; } = string.Empty;

        public string ServiceId { get; init; } = string.Empty;

        public string TaskId { get; init; } = string.Empty;

        public string Image { get; init; } = string.Empty;

        public string ImageDigest { get; init; } = string.Empty;

        public string Command { get; init; } = string.Empty;

        public DateTime? Created { get; init; }

        public string State { get; init; } = string.Empty;

        public string Status { get; init; } = string.Empty;

        public IEnumerable<string> Ports { get; init; } = Array.Empty<string>();

        public string Cluster { get; init; } = string.Empty;

        public string Health { get; init; } = string.Empty;

        public bool Changed { get; init; }

        public IEnumerable<string> Mounts { get; init; } = Array.Empty<string>();

        public string Mode { get; init; } = string.Empty;

        public IEnumerable<string> PlacementPreferences { get; init; } = Array.Empty<string>();

        public ulong MaxReplicasPerNode { get; init; }

        public IEnumerable<string> Networks { get; init; } = Array.Empty<string>();
    }
}
