using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS
{
    /// <summary>A volume on one node of the cluster, as docker volume ls shows it there, with the containers that hold it.</summary>
    public sealed class SwarmVolume
    {
        public SwarmVolume(string name, string node, string address, string driver, string scope, string mountpoint, DateTime? created,
            IReadOnlyDictionary<string, string> labels, IEnumerable<string> usedBy, IEnumerable<string> runningUsers, string cluster)
        {
            Name = name;
            Node = node;
            Address = address;
            Driver = driver;
            Scope = scope;
            Mountpoint = mountpoint;
            Created = created;
            Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
            UsedBy = usedBy.ToArray();
            RunningUsers = runningUsers.ToArray();
            Cluster = cluster;
        }

        public string Name { get; }

        /// <summary>The hostname of the node that has the volume: a local volume lives on one node only.</summary>
        public string Node { get; }

        /// <summary>The node's address.</summary>
        public string Address { get; }

        /// <summary>The volume driver, such as local.</summary>
        public string Driver { get; }

        /// <summary>local or global, as the driver says.</summary>
        public string Scope { get; }

        /// <summary>Where the volume's data is on the node.</summary>
        public string Mountpoint { get; }

        public DateTime? Created { get; }

        public IReadOnlyDictionary<string, string> Labels { get; }

        /// <summary>The containers on the node that mount the volume, running or stopped (a swarm task by its service name); empty when none does.</summary>
        public IReadOnlyList<string> UsedBy { get; }

        /// <summary>Those of <see cref="UsedBy"/> that are running.</summary>
        public IReadOnlyList<string> RunningUsers { get; }

        /// <summary>True when a container, running or stopped, mounts the volume: the engine will not remove it then.</summary>
        public bool InUse => UsedBy.Count > 0;

        public string Cluster { get; }

        /// <summary>node/name.</summary>
        public override string ToString() => $"{Node}/{Name}";
    }
}
