using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Docker.DotNet.X509;
using Version = System.Version;
using SwarmPS.Engine.Tls;

namespace SwarmPS.Engine.Docker
{
    /// <summary>
    /// A Docker client for one engine, pinned to the lower of the engine's API version and the
    /// library's, and (with TLS) trusting only the SwarmPS CA.
    /// </summary>
    public sealed class DockerConnection : IDisposable
    {
        /// <summary>The newest Engine API version Docker.DotNet.Enhanced 4.3 is generated from.</summary>
        public static readonly Version LibraryApiVersion = new Version(1, 54);

        private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

        private readonly DockerClient client;
        private readonly TlsIdentity? identity;
        private string? sshUser;

        private DockerConnection(string name, string address, int port, TlsIdentity? identity, DockerClient client, string apiVersion, string engineVersion)
        {
            bool tls = identity != null;
            this.identity = identity;
            Name = name;
            Address = address;
            Port = port;
            Tls = tls;
            this.client = client;
            ApiVersion = apiVersion;
            EngineVersion = engineVersion;
        }

        public string Name { get; }

        public string Address { get; }

        public int Port { get; }

        public bool Tls { get; }

        /// <summary>tcp://address:port, or ssh://user@address for an engine reached over SSH.</summary>
        public string Endpoint => sshUser != null ? $"ssh://{sshUser}@{Address}" : $"tcp://{Address}:{Port}";

        public string ApiVersion { get; }

        public string EngineVersion { get; }

        /// <summary>The underlying client, for the engine's own services only.</summary>
        internal DockerClient Client => client;

        /// <summary>Opens a client, reads /version, then reopens it pinned to the negotiated API version.</summary>
        public static async Task<DockerConnection> OpenAsync(string name, string address, int port, TlsIdentity? tls, CancellationToken cancellationToken)
        {
            var endpoint = new Uri($"tcp://{address}:{port}");
            VersionResponse version;
            using (DockerClient probe = Build(endpoint, tls, null))
            {
                version = await CallAsync(name, endpoint, () => probe.System.GetVersionAsync(cancellationToken)).ConfigureAwait(false);
            }

            Version engineApi = Version.TryParse(version.APIVersion, out Version? parsed) ? parsed : new Version(1, 41);
            Version pinned = engineApi < LibraryApiVersion ? engineApi : LibraryApiVersion;
            DockerClient client = Build(endpoint, tls, pinned);
            return new DockerConnection(name, address, port, tls, client, $"{pinned.Major}.{pinned.Minor}", version.Version);
        }

        /// <summary>
        /// Opens a client that reaches the engine through the host's SSH session (docker system dial-stdio),
        /// so the engine needs no TCP port at all. The SSH host key check protects it instead of TLS.
        /// </summary>
        public static async Task<DockerConnection> OpenOverSshAsync(Ssh.HostSession session, CancellationToken cancellationToken)
        {
            var endpoint = new Uri($"ssh://{session.UserName}@{session.Address}");
            var options = new SshTransportOptions(session);
            VersionResponse version;
            using (DockerClient probe = new DockerClientBuilder().WithTimeout(RequestTimeout).WithTransportOptions(SshDialStdioHandlerFactory.Instance, options).Build())
            {
                version = await CallAsync(session.Name, endpoint, () => probe.System.GetVersionAsync(cancellationToken)).ConfigureAwait(false);
            }

            Version engineApi = Version.TryParse(version.APIVersion, out Version? parsed) ? parsed : new Version(1, 41);
            Version pinned = engineApi < LibraryApiVersion ? engineApi : LibraryApiVersion;
            DockerClient client = new DockerClientBuilder().WithTimeout(RequestTimeout).WithApiVersion(pinned).WithTransportOptions(SshDialStdioHandlerFactory.Instance, options).Build();
            return new DockerConnection(session.Name, session.Address, session.Port, null, client, $"{pinned.Major}.{pinned.Minor}", version.Version)
            {
                sshUser = session.UserName,
            };
        }

        public async Task<DockerHost> DescribeAsync(bool changed, CancellationToken cancellationToken)
        {
            SystemInfoResponse info = await CallAsync(Name, new Uri(Endpoint), () => client.System.GetSystemInfoAsync(cancellationToken)).ConfigureAwait(false);
            return ToDockerHost(info, changed);
        }

        public async Task<IReadOnlyDictionary<string, string>> GetLabelsAsync(CancellationToken cancellationToken)
        {
            SystemInfoResponse info = await CallAsync(Name, new Uri(Endpoint), () => client.System.GetSystemInfoAsync(cancellationToken)).ConfigureAwait(false);
            return EngineLabelsOf(info);
        }

        /// <summary>Leaves the swarm; an engine that is in no swarm is left as it is.</summary>
        public async Task<bool> LeaveSwarmAsync(bool force, CancellationToken cancellationToken)
        {
            try
            {
                await client.Swarm.LeaveSwarmAsync(new SwarmLeaveParameters { Force = force }, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DockerSwarmNodeNotParticipatingException)
            {
                return false;
            }
            catch (DockerApiException failure) when (failure.ResponseBody?.Contains("not part of a swarm", StringComparison.OrdinalIgnoreCase) == true)
            {
                return false;
            }
            catch (DockerApiException failure)
            {
                throw new SwarmException("SwarmOperationFailed", SwarmErrorKind.InvalidOperation,
                    $"{Name} could not leave the swarm ({(int)failure.StatusCode}): {failure.ResponseBody?.Trim()}", Name, failure);
            }
        }

        /// <summary>
        /// A plain HTTP client for the few calls Docker.DotNet gets wrong (it sends swarm/update's
        /// rotate flags in lower case, which the engine ignores). Same endpoint, same certificates.
        /// </summary>
        internal HttpClient CreateHttpClient()
        {
            var handler = new SocketsHttpHandler();
            if (identity != null)
            {
                handler.SslOptions.ClientCertificates = new X509CertificateCollection { identity.ClientCertificate };
                handler.SslOptions.RemoteCertificateValidationCallback = identity.ValidateServer;
            }

            return new HttpClient(handler) { BaseAddress = new Uri($"{(identity != null ? "https" : "http")}://{Address}:{Port}/v{ApiVersion}/"), Timeout = RequestTimeout };
        }

        public void Dispose() => client.Dispose();

        internal static IReadOnlyDictionary<string, string> EngineLabelsOf(SystemInfoResponse info) => Provisioning.EngineLabels.FromEngineList(info.Labels);

        internal DockerHost ToDockerHost(SystemInfoResponse info, bool changed)
        {
            var details = new DockerHostDetails
            {
                OperatingSystem = info.OperatingSystem ?? string.Empty,
                KernelVersion = info.KernelVersion ?? string.Empty,
                CPUs = (int)info.NCPU,
                Memory = info.MemTotal,
                Containers = (int)info.Containers,
                ContainersRunning = (int)info.ContainersRunning,
                Images = (int)info.Images,
                StorageDriver = info.Driver ?? string.Empty,
                SwarmState = info.Swarm?.LocalNodeState ?? string.Empty,
            };
            var labels = EngineLabelsOf(info).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
            return new DockerHost(Name, Address, Endpoint, Tls, info.ServerVersion ?? EngineVersion, ApiVersion, labels, changed, details);
        }

        private static DockerClient Build(Uri endpoint, TlsIdentity? tls, Version? apiVersion)
        {
            var builder = new DockerClientBuilder().WithEndpoint(endpoint).WithTimeout(RequestTimeout);
            if (apiVersion != null)
            {
                builder = builder.WithApiVersion(apiVersion);
            }

            if (tls != null)
            {
                var credentials = new CertificateCredentials(tls.ClientCertificate)
                {
                    ServerCertificateValidationCallback = tls.ValidateServer,
                };
                builder = builder.WithAuthProvider(credentials);
            }

            return builder.Build();
        }

        private static async Task<T> CallAsync<T>(string name, Uri endpoint, Func<Task<T>> call)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (DockerApiException failure)
            {
                throw new SwarmException("DockerApiError", SwarmErrorKind.InvalidOperation,
                    $"The Docker engine on {name} ({endpoint}) answered {(int)failure.StatusCode}: {failure.ResponseBody}", name, failure);
            }
            catch (Exception failure) when (failure is not SwarmException && failure is not OperationCanceledException)
            {
                // Refused connections, TLS handshakes cut off, timeouts: Docker.DotNet wraps them in several ways.
                throw new SwarmException("DockerEndpointUnreachable", SwarmErrorKind.ConnectionError,
                    $"The Docker engine on {name} did not answer at {endpoint}: {Innermost(failure).Message} Run Enable-DockerTcpSocket for this host, and check that the port is reachable.", name, failure);
            }
            catch (OperationCanceledException failure) when (failure is TaskCanceledException { InnerException: TimeoutException })
            {
                throw new SwarmException("DockerEndpointUnreachable", SwarmErrorKind.OperationTimeout,
                    $"The Docker engine on {name} did not answer at {endpoint} within {RequestTimeout.TotalSeconds} seconds.", name, failure);
            }
        }

        private static Exception Innermost(Exception failure)
        {
            while (failure.InnerException != null)
            {
                failure = failure.InnerException;
            }

            return failure;
        }
    }
}
