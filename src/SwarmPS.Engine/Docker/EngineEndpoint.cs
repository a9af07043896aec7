using System;

namespace SwarmPS.Engine.Docker
{
    /// <summary>How an engine's API is reached.</summary>
    public enum EngineTransport
    {
        /// <summary>The Engine API's TCP port (2376 with mutual TLS, 2375 plain).</summary>
        Tcp,

        /// <summary>docker system dial-stdio through the host's SSH session: no TCP port at all.</summary>
        Ssh,
    }

    /// <summary>
    /// One way to reach one engine. Connections are cached by <see cref="Key"/> (address, port, transport
    /// and TLS mode), so a plain connection is never handed out where TLS is expected.
    /// </summary>
    public sealed class EngineEndpoint
    {
        private EngineEndpoint(string name, string address, int port, EngineTransport transport, bool tls, string? userName = null, string? keyFile = null)
        {
            Name = name;
            Address = address;
            Port = port;
            Transport = transport;
            Tls = tls;
            UserName = userName ?? string.Empty;
            KeyFile = keyFile ?? string.Empty;
        }

        /// <summary>The host's name as the operator gave it.</summary>
        public string Name { get; }

        public string Address { get; }

        /// <summary>The Engine API port for TCP; the SSH port for SSH.</summary>
        public int Port { get; }

        public EngineTransport Transport { get; }

        /// <summary>Mutual TLS with the SwarmPS CA (TCP only; SSH is protected by the host key check).</summary>
        public bool Tls { get; }

        /// <summary>The SSH login user (SSH only; empty when unknown): saved with a cluster member, and named in the Connect-SwarmHost hint.</summary>
        public string UserName { get; }

        /// <summary>The SSH key file's path (SSH only; empty when none or unknown). Never the key itself.</summary>
        public string KeyFile { get; }

        public string Key => $"{Transport}|{Address.ToLowerInvariant()}|{Port}|{(Tls ? "tls" : "plain")}";

        public static EngineEndpoint Tcp(string name, string address, int port, bool tls) =>
            new EngineEndpoint(name, address, port, EngineTransport.Tcp, tls);

        public static EngineEndpoint Ssh(string name, string address, int sshPort, string? userName = null, string? keyFile = null) =>
            new EngineEndpoint(name, address, sshPort, EngineTransport.Ssh, tls: false, userName, keyFile);

        /// <summary>The Connect-SwarmHost command that opens the SSH session this endpoint needs.</summary>
        public string ConnectCommand()
        {
            var command = new System.Text.StringBuilder("Connect-SwarmHost -HostName ").Append(Quote(Name));
            if (UserName.Length > 0)
            {
                command.Append(" -UserName ").Append(Quote(UserName));
            }

            if (Port != 22)
            {
                command.Append(" -Port ").Append(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (KeyFile.Length > 0)
            {
                command.Append(" -KeyFile ").Append(Quote(KeyFile));
            }

            return command.ToString();
        }

        private static string Quote(string value) =>
            value.Length > 0 && value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ';', '&', '(', ')', '{', '}', '|', '@', '#', ',' }) < 0
                ? value
                : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

        public override string ToString() => Transport == EngineTransport.Ssh
            ? $"ssh://{Address}:{Port}"
            : $"tcp://{Address}:{Port}{(Tls ? string.Empty : " (no TLS)")}";
    }
}
