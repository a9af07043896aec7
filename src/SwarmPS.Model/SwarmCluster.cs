using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS
{
    /// <summary>A named SwarmPS cluster: the swarm, its members, and (when reachable) the view docker info gave of it.</summary>
    public sealed class SwarmCluster
    {
        public SwarmCluster(SwarmClusterData data)
        {
            Name = data.Name;
            Id = data.Id;
            CreatedAt = data.CreatedAt;
            Members = data.Members.ToArray();
            Nodes = data.Nodes.ToArray();
            Managers = Nodes.Count(n => n.Role == "manager");
            Workers = Nodes.Count(n => n.Role == "worker");
            SnapshotInterval = data.SnapshotInterval;
            HeartbeatTick = data.HeartbeatTick;
            ElectionTick = data.ElectionTick;
            NodeCertificateExpiry = data.NodeCertificateExpiry;
            IsCurrent = data.IsCurrent;
            Path = data.Path;
        }

        public string Name { get; }

        /// <summary>The swarm's id; empty until a manager was started.</summary>
        public string Id { get; }

        public DateTime? CreatedAt { get; }

        public int Managers { get; }

        public int Workers { get; }

        /// <summary>The hosts SwarmPS added to the cluster, by the names they were given.</summary>
        public IReadOnlyList<string> Members { get; }

        /// <summary>Per node: role, state, containers and reserved CPUs and memory.</summary>
        public IReadOnlyList<SwarmNode> Nodes { get; }

        /// <summary>Raft: log entries between snapshots.</summary>
        public ulong SnapshotInterval { get; }

        public long HeartbeatTick { get; }

        public long ElectionTick { get; }

        /// <summary>CA: how long node certificates are valid.</summary>
        public TimeSpan? NodeCertificateExpiry { get; }

        /// <summary>True for the cluster that cmdlets use when -Cluster is left out.</summary>
        public bool IsCurrent { get; }

        /// <summary>The file the cluster is saved in.</summary>
        public string Path { get; }

        public override string ToString() => Name;
    }

    /// <summary>The values a <see cref="SwarmCluster"/> is made from.</summary>
    public sealed class SwarmClusterData
    {
        public string Name { get; init; } = string.Empty;

        public string Id { get; init; } = string.Empty;

        public DateTime? CreatedAt { get; init; }

        public IEnumerable<string> Members { get; init; } = Array.Empty<string>();

        public IEnumerable<SwarmNode> Nodes { get; init; } = Array.Empty<SwarmNode>();

        public ulong SnapshotInterval { get; init; }

        public long HeartbeatTick { get; init; }

        public long ElectionTick { get; init; }

        public TimeSpan? NodeCertificateExpiry { get; init; }

        public bool IsCurrent { get; init; }

        public string Path { get; init; } = string.Empty;
    }
}
