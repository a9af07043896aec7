using System;
using System.Net.Http;
using System.Threading.Tasks;
using Docker.DotNet.Handler.Abstractions;
using Microsoft.Extensions.Logging;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Engine.Docker
{
    /// <summary>Options of the SSH transport: the session whose host runs the engine.</summary>
    internal sealed class SshTransportOptions
    {
        internal SshTransportOptions(HostSession session)
        {
            Session = session;
        }

        internal HostSession Session { get; }
    }

    /// <summary>
    /// Reaches an engine with no TCP port at all, as docker -H ssh:// does: each HTTP connection is a
    /// `docker system dial-stdio` process on the host, talked to over the SSH session. Connections are kept
    /// alive and reused, as the Docker CLI's HTTP client does, so a command of many calls starts one such
    /// process rather than one per call.
    /// </summary>
    internal sealed class SshDialStdioHandlerFactory : IDockerHandlerFactory<SshTransportOptions>
    {
        // Each connection is an SSH channel; OpenSSH allows 10 per session (MaxSessions), and the session also
        // carries SwarmPS's own commands.
        private const int MaxConnections = 4;

        internal static SshDialStdioHandlerFactory Instance { get; } = new SshDialStdioHandlerFactory();

        public ResolvedTransport CreateHandler(ResolvedClientOptions clientOptions, ILogger logger) =>
            throw new InvalidOperationException("The SSH transport needs the host's SSH session.");

        public ResolvedTransport CreateHandler(SshTransportOptions transportOptions, ResolvedClientOptions clientOptions, ILogger logger) =>
            new ResolvedTransport(CreateHttpHandler(transportOptions.Session), BaseAddress);

        /// <summary>The host part only fills the Host header; the bytes go through the SSH session.</summary>
        internal static Uri BaseAddress { get; } = new Uri("http://docker.sock");

        /// <summary>The HTTP handler over the host's SSH session, for Docker.DotNet and for plain HTTP calls alike.</summary>
        internal static SocketsHttpHandler CreateHttpHandler(HostSession session) => new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) => await session.OpenDialStdioAsync(cancellationToken).ConfigureAwait(false),
            MaxConnectionsPerServer = MaxConnections,
            UseProxy = false,
            // An idle dial-stdio process on the host costs little, but is not kept for long either.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };

        // SwarmPS attaches to no container's streams, the one use of a hijacked connection.
        public Task<WriteClosableStream> HijackStreamAsync(HttpContent content) =>
            throw new NotSupportedException("Attaching to a container's streams is not supported over an engine reached through SSH.");
    }
}
