using System;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Sessions;
using SwarmPS.Engine.Tls;

namespace SwarmPS.Engine.Docker
{
    /// <summary>Hands out engine gateways; the seam services use to reach engines other than the one they were given.</summary>
    public interface IEngineSource
    {
        Task<IDockerEngine> OpenAsync(EngineEndpoint endpoint, IOperationReporter reporter, CancellationToken cancellationToken);

        /// <summary>The SSH host key fingerprint of the host's open session, or empty.</summary>
        string HostKeyFingerprintOf(string host);
    }

    /// <summary>
    /// The one place that opens engine connections: reuses this runspace's client for exactly the same
    /// endpoint (address, port, transport, TLS mode), else opens one and keeps it.
    /// </summary>
    public sealed class EngineOpener : IEngineSource
    {
        private readonly SessionStore sessions;
        private readonly Func<TlsIdentity> identity;

        public EngineOpener(SessionStore sessions, Func<TlsIdentity> identity)
        {
            this.sessions = sessions;
            this.identity = identity;
        }

        public SessionStore Sessions => sessions;

        /// <summary>How a cluster member's engine is reached, as saved when it joined.</summary>
        public static EngineEndpoint EndpointOf(ClusterMember member) => member.IsSsh
            ? EngineEndpoint.Ssh(member.Name, member.Address, member.SshPort, member.SshUser, member.KeyFile)
            : EngineEndpoint.Tcp(member.Name, member.Address, member.ApiPort, member.Tls);

        /// <summary>The TCP endpoint of a host, at the address of its SSH session when it has one.</summary>
        public EngineEndpoint TcpEndpoint(string host, int port, bool tls) =>
            EngineEndpoint.Tcp(host, sessions.FindHost(host)?.Address ?? host, port, tls);

        /// <summary>The SSH endpoint of a host with an open session.</summary>
        public EngineEndpoint SshEndpoint(string host)
        {
            Ssh.HostSession session = SessionOf(EngineEndpoint.Ssh(host, host, 22));
            return EngineEndpoint.Ssh(host, session.Address, session.Port, session.UserName, session.Target.KeyFile);
        }

        private Ssh.HostSession SessionOf(EngineEndpoint endpoint) => sessions.FindHost(endpoint.Name)
            ?? throw new SwarmException("HostNotConnected", SwarmErrorKind.ObjectNotFound,
                $"The engine of '{endpoint.Name}' is reached over SSH (-Transport Ssh), and this PowerShell session has no SSH session to it. Open one with: {endpoint.ConnectCommand()}", endpoint.Name);

        async Task<IDockerEngine> IEngineSource.OpenAsync(EngineEndpoint endpoint, IOperationReporter reporter, CancellationToken cancellationToken) =>
            await OpenAsync(endpoint, reporter, cancellationToken).ConfigureAwait(false);

        /// <summary>The open client for this endpoint, or a new one that is kept for the rest of the session.</summary>
        public async Task<DockerConnection> OpenAsync(EngineEndpoint endpoint, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            DockerConnection? open = sessions.FindEngine(endpoint);
            if (open != null)
            {
                return open;
            }

            DockerConnection connection = await OpenNewAsync(endpoint, reporter, cancellationToken).ConfigureAwait(false);
            sessions.AddEngine(connection);
            return connection;
        }

        /// <summary>A new client that is not kept: for probing an engine that is restarting.</summary>
        public Task<DockerConnection> OpenNewAsync(EngineEndpoint endpoint, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            reporter.Verbose(endpoint.Transport == EngineTransport.Ssh
                ? $"Reaching the engine through SSH (docker system dial-stdio) at {endpoint.Address}."
                : $"Opening the Engine API at tcp://{endpoint.Address}:{endpoint.Port}{(endpoint.Tls ? " with mutual TLS" : " without TLS")}.");
            Ssh.HostSession? session = endpoint.Transport == EngineTransport.Ssh ? SessionOf(endpoint) : null;
            return DockerConnection.OpenAsync(endpoint, endpoint.Tls ? identity() : null, session, cancellationToken);
        }

        public string HostKeyFingerprintOf(string host) => sessions.FindHost(host)?.HostKeyFingerprint ?? string.Empty;
    }
}
