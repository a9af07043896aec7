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

        /// <summary>
        /// How the member's engine is reached: "Tcp" (the Engine API port, <see cref="ApiPort"/>) or "Ssh"
        /// (docker system dial-stdio through the host's SSH session; no TCP port). Files saved before this
        /// field existed read as Tcp.
        /// </summary>
        public string Transport { get; set; } = "Tcp";

        /// <summary>The SSH port the member was reached on (Ssh transport), so a later session can reconnect.</summary>
        public int SshPort { get; set; } = 22;

        /// <summary>The SSH login user (Ssh transport). Never a password or passphrase.</summary>
        public string SshUser { get; set; } = string.Empty;

        /// <summary>The SSH private key file's path (Ssh transport), if one was used. Only the path, never the key.</summary>
        public string KeyFile { get; set; } = string.Empty;

        /// <summary>True when the member's engine is reached over SSH only.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool IsSsh => string.Equals(Transport, "Ssh", StringComparison.OrdinalIgnoreCase);
    }
}
