using System.Collections.Generic;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>What Enable-DockerTcpSocket was asked to make true on one host.</summary>
    public sealed class TcpSocketRequest
    {
        public TcpSocketRequest(IReadOnlyDictionary<string, string> labels, bool insecure, bool force)
        {
            Labels = labels;
            Insecure = insecure;
            Force = force;
        }

        /// <summary>Engine labels to set (merged into those already there).</summary>
        public IReadOnlyDictionary<string, string> Labels { get; }

        /// <summary>Plain TCP on 2375 instead of mutual TLS on 2376.</summary>
        public bool Insecure { get; }

        /// <summary>Restart the engine even when containers run (they stop).</summary>
        public bool Force { get; }

        /// <summary>Extra DNS names and addresses for the server certificate, besides the given name and the dialled address.</summary>
        public IReadOnlyList<string> SubjectAlternativeNames { get; init; } = System.Array.Empty<string>();

        public int Port => PortOverride ?? (Insecure ? RemotePaths.InsecurePort : RemotePaths.TlsPort);

        /// <summary>Another port than Docker's (2375/2376): for tests that stand up an Engine API on loopback.</summary>
        internal int? PortOverride { get; init; }
    }
}
