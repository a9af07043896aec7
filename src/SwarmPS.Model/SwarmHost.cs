namespace SwarmPS
{
    /// <summary>An SSH session to one host, as Connect-SwarmHost and Get-SwarmHost show it.</summary>
    public sealed class SwarmHost
    {
        public SwarmHost(string name, string address, int port, string userName, string hostKeyFingerprint, bool connected)
        {
            Name = name;
            Address = address;
            Port = port;
            UserName = userName;
            HostKeyFingerprint = hostKeyFingerprint;
            Connected = connected;
        }

        /// <summary>The name the host was connected by; sessions are found again by it.</summary>
        public string Name { get; }

        /// <summary>The IP address the SSH connection went to.</summary>
        public string Address { get; }

        public int Port { get; }

        public string UserName { get; }

        /// <summary>The host key's fingerprint as ssh-keygen -l prints it (SHA256:...).</summary>
        public string HostKeyFingerprint { get; }

        public bool Connected { get; }

        public override string ToString() => Name;
    }
}
