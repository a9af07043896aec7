using System;
using System.Net.Http;
using System.Threading.Tasks;
using Docker.DotNet.Handler.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Client;
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
    /// `docker system dial-stdio` process on the host, talked to over the SSH session.
    /// </summary>
    internal sealed class SshDialStdioHandlerFactory : IDockerHandlerFactory<SshTransportOptions>
    {
        internal static SshDialStdioHandlerFactory Instance { get; } = new SshDialStdioHandlerFactory();

        public ResolvedTransport CreateHandler(ResolvedClientOptions clientOptions, ILogger logger) =>
            throw new InvalidOperationException("The SSH transport needs the host's SSH session.");

        public ResolvedTransport CreateHandler(SshTransportOptions transportOptions, ResolvedClientOptions clientOptions, ILogger logger)
        {
            var handler = new ManagedHandler(async (host, port, cancellationToken) => await transportOptions.Session.OpenDialStdioAsync(cancellationToken).ConfigureAwait(false), logger)
            {
                UseProxy = false,
            };

            // The host part only fills the Host header; the bytes go through the SSH session.
            return new ResolvedTransport(handler, new Uri("http://docker.sock"));
        }

        public Task<WriteClosableStream> HijackStreamAsync(HttpContent content)
        {
            if (content is not HttpConnectionResponseContent hijackable)
            {
                throw new NotSupportedException("The content type is not supported for stream hijacking.");
            }

            return Task.FromResult(hijackable.HijackStream());
        }
    }
}
