using System;
using System.Collections.Generic;

namespace SwarmPS.Engine.Cluster
{
    /// <summary>
    /// What SwarmPS saves of a cluster so a later session can open it by name. Never a join token:
    /// those are fetched from a manager at the moment they are needed.
    /// </summary>
    public sealed class ClusterRecord
    {
        public string Name { get; set; } = string.Empty;

        public string SwarmId { get; set; } = string.Empty;

        public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

        /// <summary>The CA whose client certificate reaches the members' engines.</summary>
        public string TlsDirectory { get; set; } = string.Empty;

        public List<ClusterMember> Members { get; set; } = new List<ClusterMember>();
    }

    /// <summary>One host of a cluster and how its engine is reached.</summary>
    public sealed class ClusterMember
    {
        public string Name { get; set; } = string.Empty;

        public string Address { get; set; } = string.Empty;

        public int ApiPort { get; set; }

        public bool Tls { get; set; } = true;

        /// <summary>The SSH host key seen when the member was added, for the record.</summary>
        public string HostKeyFingerprint { get; set; } = string.Empty;

        public string NodeId { get; set; } = string.Empty;
    }
}
