namespace SwarmPS.Engine.Provisioning
{
    /// <summary>The files SwarmPS manages on a host, and where it keeps their backups.</summary>
    public static class RemotePaths
    {
        public const int TlsPort = 2376;
        public const int InsecurePort = 2375;

        public const string DaemonJson = "/etc/docker/daemon.json";
        public const string SocketUnit = "/etc/systemd/system/docker-tcp.socket";
        public const string TlsDirectory = "/etc/docker/swarmps";
        public const string CaCertificate = TlsDirectory + "/ca.pem";
        public const string ServerCertificate = TlsDirectory + "/server-cert.pem";
        public const string ServerKey = TlsDirectory + "/server-key.pem";

        /// <summary>The state before SwarmPS first changed the host; Disable-DockerTcpSocket restores it.</summary>
        public const string OriginalBackup = "/var/lib/swarmps/original";

        /// <summary>One folder per change, for rollback when the engine does not come back.</summary>
        public const string ChangeBackups = "/var/lib/swarmps/backup";

        /// <summary>The daemon.json SwarmPS last wrote, so Disable-DockerTcpSocket can tell later edits from its own.</summary>
        public const string WrittenDaemonJson = "/var/lib/swarmps/written-daemon.json";

        /// <summary>Every file a change may touch, so one backup covers them all.</summary>
        public static readonly string[] ManagedFiles = { DaemonJson, SocketUnit, CaCertificate, ServerCertificate, ServerKey };
    }
}
