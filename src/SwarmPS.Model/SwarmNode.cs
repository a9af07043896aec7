using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace SwarmPS
{
    /// <summary>A node of a swarm, as docker node ls and docker info (per node) show it.</summary>
    public sealed class SwarmNode
    {
        public SwarmNode(SwarmNodeData data)
        {
            Id = data.Id;
            Hostname = data.Hostname;
            Address = data.Address;
            Role = data.Role;
            Availability = data.Availability;
            State = data.State;
            ManagerStatus = data.ManagerStatus;
            EngineVersion = data.EngineVersion;
            CPUs = data.CPUs;
            Memory = data.Memory;
            NodeLabels = ReadOnly(data.NodeLabels);
            EngineLabels = ReadOnly(data.EngineLabels);

            // What a user means by "the node's labels": both sides, node labels winning a clash.
            var merged = new SortedDictionary<string, string>(data.EngineLabels);
            foreach (KeyValuePair<string, string> label in data.NodeLabels)
            {
                merged[label.Key] = label.Value;
            }

            Labels = new ReadOnlyDictionary<string, string>(merged);
            Containers = data.Containers;
            ReservedCpus = data.ReservedCpus;
            ReservedMemory = data.ReservedMemory;
            Cluster = data.Cluster;
            Changed = data.Changed;
        }

        public string Id { get; }

        public string Hostname { get; }

        /// <summary>The address the node is reached at in the swarm.</summary>
        public string Address { get; }

        /// <summary>manager or worker.</summary>
        public string Role { get; }

        /// <summary>active, pause or drain.</summary>
        public string Availability { get; }

        /// <summary>ready, down, unknown or disconnected.</summary>
        public string State { get; }

        /// <summary>Leader, Reachable or Unreachable for managers; empty for workers.</summary>
        public string ManagerStatus { get; }

        public string EngineVersion { get; }

        public double CPUs { get; }

        /// <summary>Total memory in bytes.</summary>
        public long Memory { get; }

        /// <summary>Engine labels and node labels together; a node label wins a clash.</summary>
        public IDictionary<string, string> Labels { get; }

        /// <summary>Labels set on the node through a manager (docker node update --label-add).</summary>
        public IDictionary<string, string> NodeLabels { get; }

        /// <summary>Labels of the node's engine (daemon.json labels).</summary>
        public IDictionary<string, string> EngineLabels { get; }

        /// <summary>Containers running on the node.</summary>
        public int Containers { get; }

        /// <summary>CPUs reserved by the running tasks on the node.</summary>
        public double ReservedCpus { get; }

        /// <summary>Memory in bytes reserved by the running tasks on the node.</summary>
        public long ReservedMemory { get; }

        /// <summary>The SwarmPS cluster the node was read from.</summary>
        public string Cluster { get; }

        /// <summary>True when the command that returned this object changed the node.</summary>
        public bool Changed { get; }

        public override string ToString() => Hostname;

        private static IDictionary<string, string> ReadOnly(IDictionary<string, string> labels) =>
            new ReadOnlyDictionary<string, string>(new SortedDictionary<string, string>(labels));
    }

    /// <summary>The values a <see cref="SwarmNode"/> is made from.</summary>
    public sealed class SwarmNodeData
    {
        public string Id { get; init; } = string.Empty;

        public string Hostname { get; init; } = string.Empty;

        public string Address { get; init; } = string.Empty;

        public string Role { get; init; } = string.Empty;

        public string Availability { get; init; } = string.Empty;

        public string State { get; init; } = string.Empty;

        public string ManagerStatus { get; init; } = string.Empty;

        public string EngineVersion { get; init; } = string.Empty;

        public double CPUs { get; init; }

        public long Memory { get; init; }

        public IDictionary<string, string> NodeLabels { get; init; } = new Dictionary<string, string>();

        public IDictionary<string, string> EngineLabels { get; init; } = new Dictionary<string, string>();

        public int Containers { get; init; }

        public double ReservedCpus { get; init; }

        public long ReservedMemory { get; init; }

        public string Cluster { get; init; } = string.Empty;

        public bool Changed { get; init; }
    }
}
