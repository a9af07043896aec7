using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Docker.DotNet.NativeHttp;
using Docker.DotNet.X509;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Registry;
using SwarmPS.Engine.Ssh;
using SwarmPS.Engine.Tls;
using Version = System.Version;

namespace SwarmPS.Engine.Docker
{
    /// <summary>
    /// The gateway to one Docker engine: a client pinned to the lower of the engine's API version and the
    /// library's, trusting only the SwarmPS CA over TLS. The client stays private; every call goes through
    /// <see cref="CallAsync"/>, which turns any failure into a SwarmException (see <see cref="DockerFailures"/>).
    /// </summary>
    public sealed class DockerConnection : IDockerEngine, IDisposable
    {
        /// <summary>The newest Engine API version Docker.DotNet.Enhanced 4.3 is generated from.</summary>
        public static readonly Version LibraryApiVersion = new Version(1, 54);

        private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

        private readonly DockerClient client;
        private readonly TlsIdentity? identity;
        private readonly HostSession? sshSession;

        private DockerConnection(EngineEndpoint endpoint, TlsIdentity? identity, HostSession? sshSession, DockerClient client, string apiVersion, string engineVersion)
        {
            Endpoint = endpoint;
            this.identity = identity;
            this.sshSession = sshSession;
            this.client = client;
            ApiVersion = apiVersion;
            EngineVersion = engineVersion;
        }

        public EngineEndpoint Endpoint { get; }

        public string Name => Endpoint.Name;

        public string Address => Endpoint.Address;

        public bool Tls => Endpoint.Tls;

        /// <summary>tcp://address:port, or ssh://user@address for an engine reached over SSH.</summary>
        public string Uri => sshSession != null ? $"ssh://{sshSession.UserName}@{Address}" : $"tcp://{Address}:{Endpoint.Port}";

        public string ApiVersion { get; }

        public SwarmInspectResponse? ManagedSwarm { get; set; }

        public string EngineVersion { get; }

        /// <summary>
        /// Opens a client, reads /version, then reopens it pinned to the negotiated API version. TCP endpoints
        /// use <paramref name="identity"/> when they are TLS; SSH endpoints need the host's <paramref name="session"/>.
        /// </summary>
        public static async Task<DockerConnection> OpenAsync(EngineEndpoint endpoint, TlsIdentity? identity, HostSession? session, CancellationToken cancellationToken)
        {
            if (endpoint.Transport == EngineTransport.Ssh && session == null)
            {
                throw new ArgumentNullException(nameof(session), "An SSH endpoint needs the host's SSH session.");
            }

            if (endpoint.Tls && identity == null)
            {
                throw new ArgumentException("A TLS endpoint needs the SwarmPS client identity.", nameof(identity));
            }

            TlsIdentity? tls = endpoint.Tls ? identity : null;
            VersionResponse version;
            using (DockerClient probe = Build(endpoint, tls, session, null))
            {
                version = await CallAsync(endpoint, "Reading the engine's version", "DockerApiError", () => probe.System.GetVersionAsync(cancellationToken)).ConfigureAwait(false);
            }

            Version engineApi = Version.TryParse(version.APIVersion, out Version? parsed) ? parsed : new Version(1, 41);
            Version pinned = engineApi < LibraryApiVersion ? engineApi : LibraryApiVersion;
            return new DockerConnection(endpoint, tls, session, Build(endpoint, tls, session, pinned), $"{pinned.Major}.{pinned.Minor}", version.Version);
        }

        /// <summary>A client that has not talked to the engine yet (no version negotiated): lets tests hold connections without an engine.</summary>
        internal static DockerConnection Unopened(EngineEndpoint endpoint) =>
            new DockerConnection(endpoint, null, null, Build(endpoint, null, null, LibraryApiVersion), $"{LibraryApiVersion.Major}.{LibraryApiVersion.Minor}", string.Empty);

        public async Task<DockerHost> DescribeAsync(bool changed, CancellationToken cancellationToken)
        {
            SystemInfoResponse info = await GetInfoAsync(cancellationToken).ConfigureAwait(false);
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
            return new DockerHost(Name, Address, Uri, Tls, info.ServerVersion ?? EngineVersion, ApiVersion, labels, changed, details);
        }

        public async Task<IReadOnlyDictionary<string, string>> GetLabelsAsync(CancellationToken cancellationToken) =>
            EngineLabelsOf(await GetInfoAsync(cancellationToken).ConfigureAwait(false));

        public Task<SystemInfoResponse> GetInfoAsync(CancellationToken cancellationToken) =>
            CallAsync("Reading docker info", "DockerApiError", () => client.System.GetSystemInfoAsync(cancellationToken));

        public Task<SwarmInspectResponse> InspectSwarmAsync(CancellationToken cancellationToken) =>
            CallAsync("Reading the swarm", "SwarmOperationFailed", () => client.Swarm.InspectSwarmAsync(cancellationToken));

        public async Task<string> InitSwarmAsync(SwarmInitParameters parameters, CancellationToken cancellationToken)
        {
            string nodeId = await CallAsync("Initialising the swarm", "SwarmOperationFailed", () => client.Swarm.InitSwarmAsync(parameters, cancellationToken)).ConfigureAwait(false);
            return nodeId.Trim().Trim('"');
        }

        public Task JoinSwarmAsync(SwarmJoinParameters parameters, CancellationToken cancellationToken) =>
            CallAsync("Joining the swarm", "SwarmOperationFailed", () => client.Swarm.JoinSwarmAsync(parameters, cancellationToken));

        public async Task<bool> LeaveSwarmAsync(bool force, CancellationToken cancellationToken)
        {
            try
            {
                await CallAsync("Leaving the swarm", "SwarmOperationFailed", () => client.Swarm.LeaveSwarmAsync(new SwarmLeaveParameters { Force = force }, cancellationToken)).ConfigureAwait(false);
                return true;
            }
            catch (SwarmException failure) when (failure.InnerException is DockerSwarmNodeNotParticipatingException
                || (failure.InnerException is DockerApiException answer && answer.ResponseBody?.Contains("not part of a swarm", StringComparison.OrdinalIgnoreCase) == true))
            {
                return false;
            }
        }

        public Task RotateJoinTokenAsync(string role, CancellationToken cancellationToken) =>
            CallAsync($"Rotating the {role} join token", "SwarmOperationFailed", async () =>
            {
                using HttpClient http = CreateHttpClient();
                await SwarmTokenRotation.RotateAsync(http, role, cancellationToken).ConfigureAwait(false);
            });

        public Task<IList<NodeListResponse>> ListNodesAsync(CancellationToken cancellationToken) =>
            CallAsync("Listing the swarm's nodes", "SwarmOperationFailed", () => client.Swarm.ListNodesAsync(cancellationToken));

        public Task<NodeListResponse> InspectNodeAsync(string nodeId, CancellationToken cancellationToken) =>
            CallAsync($"Reading node {nodeId}", "NodeNotFound", () => client.Swarm.InspectNodeAsync(nodeId, cancellationToken));

        public Task UpdateNodeAsync(string nodeId, ulong version, NodeUpdateParameters spec, CancellationToken cancellationToken) =>
            CallAsync($"Updating node {spec.Name ?? nodeId}", "SwarmOperationFailed", () => client.Swarm.UpdateNodeAsync(nodeId, version, spec, cancellationToken));

        public Task RemoveNodeAsync(string nodeId, bool force, CancellationToken cancellationToken) =>
            CallAsync($"Removing node {nodeId}", "SwarmOperationFailed", () => client.Swarm.RemoveNodeAsync(nodeId, force, cancellationToken));

        public async Task<IList<SwarmService>> ListServicesAsync(string? name, CancellationToken cancellationToken)
        {
            var parameters = new ServiceListParameters { Filters = name == null ? null : Filter("name", name) };
            IEnumerable<SwarmService> services = await CallAsync("Listing services", "SwarmOperationFailed", () => client.Swarm.ListServicesAsync(parameters, cancellationToken)).ConfigureAwait(false);

            // The engine's name filter matches prefixes: keep exact names only.
            return services.Where(s => name == null || s.Spec?.Name == name).ToList();
        }

        public async Task<string> CreateServiceAsync(ServiceSpec spec, RegistryLogin? login, CancellationToken cancellationToken)
        {
            var parameters = new ServiceCreateParameters { Service = spec, RegistryAuth = login == null ? null! : AuthConfigOf(login) };
            ServiceCreateResponse created = await CallAsync($"Creating '{spec.Name}'", "ContainerCreateFailed",
                () => client.Swarm.CreateServiceAsync(parameters, cancellationToken)).ConfigureAwait(false);
            return created.ID ?? string.Empty;
        }

        public Task<SwarmService> InspectServiceAsync(string serviceId, CancellationToken cancellationToken) =>
            CallAsync($"Reading service {serviceId}", "ContainerNotFound", () => client.Swarm.InspectServiceAsync(serviceId, cancellationToken));

        public async Task<IReadOnlyList<string>> UpdateServiceAsync(string serviceId, ulong version, ServiceSpec spec, bool rollback, RegistryLogin? login, CancellationToken cancellationToken)
        {
            // Without a login the engine keeps the one the service has (RegistryAuthFrom spec, its default).
            var parameters = new ServiceUpdateParameters { Service = spec, Version = (long)version, Rollback = rollback ? "previous" : null, RegistryAuth = login == null ? null! : AuthConfigOf(login) };
            ServiceUpdateResponse answer = await CallAsync($"{(rollback ? "Rolling back" : "Updating")} '{spec.Name}'", "ContainerUpdateFailed",
                () => client.Swarm.UpdateServiceAsync(serviceId, parameters, cancellationToken)).ConfigureAwait(false);
            return answer.Warnings?.ToList() ?? new List<string>();
        }

        public Task<bool> RemoveServiceAsync(string serviceId, CancellationToken cancellationToken) =>
            RemoveAsync($"Removing service {serviceId}", "ContainerRemoveFailed", () => client.Swarm.RemoveServiceAsync(serviceId, cancellationToken));

        public Task<IList<TaskResponse>> ListTasksAsync(string? serviceId, bool desiredRunning, CancellationToken cancellationToken)
        {
            var filters = new Dictionary<string, IDictionary<string, bool>>();
            if (serviceId != null)
            {
                filters["service"] = new Dictionary<string, bool> { [serviceId] = true };
            }

            if (desiredRunning)
            {
                filters["desired-state"] = new Dictionary<string, bool> { ["running"] = true };
            }

            return CallAsync("Listing tasks", "SwarmOperationFailed", () => client.Tasks.ListAsync(new TasksListParameters { Filters = filters }, cancellationToken));
        }

        public Task<IList<Secret>> ListSecretsAsync(CancellationToken cancellationToken) =>
            CallAsync("Listing secrets", "SwarmOperationFailed", () => client.Secrets.ListAsync(cancellationToken));

        public async Task<string> CreateSecretAsync(SwarmSecretSpec spec, CancellationToken cancellationToken)
        {
            SecretCreateResponse created = await CallAsync($"Creating secret '{spec.Name}'", "SecretCreateFailed", () => client.Secrets.CreateAsync(spec, cancellationToken)).ConfigureAwait(false);
            return created.ID;
        }

        public Task<bool> DeleteSecretAsync(string secretId, CancellationToken cancellationToken) =>
            RemoveAsync($"Removing secret {secretId}", "SecretRemoveFailed", () => client.Secrets.DeleteAsync(secretId, cancellationToken));

        public Task<IList<NetworkResponse>> ListNetworksAsync(CancellationToken cancellationToken) =>
            CallAsync("Listing networks", "SwarmOperationFailed", () => client.Networks.ListNetworksAsync(new NetworksListParameters(), cancellationToken));

        public async Task<string> CreateNetworkAsync(NetworksCreateParameters parameters, CancellationToken cancellationToken)
        {
            NetworksCreateResponse created = await CallAsync($"Creating network '{parameters.Name}'", "NetworkCreateFailed", () => client.Networks.CreateNetworkAsync(parameters, cancellationToken)).ConfigureAwait(false);
            return created.ID;
        }

        public Task<bool> RemoveNetworkAsync(string networkId, CancellationToken cancellationToken) =>
            RemoveAsync($"Removing network {networkId}", "NetworkRemoveFailed", () => client.Networks.DeleteNetworkAsync(networkId, cancellationToken));

        public Task<IList<SwarmConfig>> ListConfigsAsync(CancellationToken cancellationToken) =>
            CallAsync("Listing configs", "SwarmOperationFailed", () => client.Configs.ListConfigsAsync(cancellationToken));

        public async Task<string> CreateConfigAsync(SwarmConfigSpec spec, CancellationToken cancellationToken)
        {
            SwarmCreateConfigResponse created = await CallAsync($"Creating config '{spec.Name}'", "ConfigCreateFailed", () => client.Configs.CreateConfigAsync(new SwarmCreateConfigParameters { Config = spec }, cancellationToken)).ConfigureAwait(false);
            return created.ID;
        }

        public Task<bool> RemoveConfigAsync(string configId, CancellationToken cancellationToken) =>
            RemoveAsync($"Removing config {configId}", "ConfigRemoveFailed", () => client.Configs.RemoveConfigAsync(configId, cancellationToken));

        public async Task<IList<VolumeResponse>> ListVolumesAsync(CancellationToken cancellationToken)
        {
            VolumesListResponse listed = await CallAsync("Listing volumes", "DockerApiError", () => client.Volumes.ListAsync(cancellationToken)).ConfigureAwait(false);
            return listed.Volumes ?? new List<VolumeResponse>();
        }

        public Task<bool> RemoveVolumeAsync(string name, CancellationToken cancellationToken) =>
            RemoveAsync($"Removing volume {name}", "VolumeRemoveFailed", () => client.Volumes.RemoveAsync(name, false, cancellationToken));

        public Task<IList<ContainerListResponse>> ListContainersAsync(bool all, CancellationToken cancellationToken) =>
            CallAsync("Listing containers", "DockerApiError", () => client.Containers.ListContainersAsync(new ContainersListParameters { All = all }, cancellationToken));

        public Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken) =>
            CallAsync($"Removing container {containerId}", "ContainerRemoveFailed", () => client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true }, cancellationToken));

        public Task StreamContainerLogsAsync(string containerId, LogOptions options, Action<string> onLine, CancellationToken cancellationToken) =>
            CallAsync($"Reading the logs of container {containerId}", "ContainerLogFailed", async () =>
            {
                var parameters = new ContainerLogsParameters
                {
                    ShowStdout = true,
                    ShowStderr = true,
                    Follow = options.Follow,
                    Tail = options.TailText,
                    Since = options.SinceText,
                    Timestamps = options.Timestamps,
                };
                using MultiplexedStream stream = await client.Containers.GetContainerLogsAsync(containerId, parameters, cancellationToken).ConfigureAwait(false);
                await ReadLinesAsync(stream, onLine, cancellationToken).ConfigureAwait(false);
            });

        public Task StreamServiceLogsAsync(string serviceId, bool tty, LogOptions options, Action<string> onLine, CancellationToken cancellationToken) =>
            CallAsync($"Reading the logs of service {serviceId}", "ContainerLogFailed", async () =>
            {
                var parameters = new ServiceLogsParameters
                {
                    ShowStdout = true,
                    ShowStderr = true,
                    Follow = options.Follow,
                    Tail = options.TailText,
                    Since = options.SinceText,
                    Timestamps = options.Timestamps,
                    // The task's node, service and task ids before each message: what tells the replicas apart.
                    Details = true,
                };
                using MultiplexedStream stream = await client.Swarm.GetServiceLogsAsync(serviceId, tty, parameters, cancellationToken).ConfigureAwait(false);
                await ReadLinesAsync(stream, onLine, cancellationToken).ConfigureAwait(false);
            });

        public async Task<ImageInspectResponse?> InspectImageAsync(string image, CancellationToken cancellationToken)
        {
            try
            {
                return await CallAsync($"Reading image '{image}'", "ImageNotFound", () => client.Images.InspectImageAsync(image, cancellationToken)).ConfigureAwait(false);
            }
            catch (SwarmException missing) when (missing.Kind == SwarmErrorKind.ObjectNotFound)
            {
                return null;
            }
        }

        public Task<IList<ImagesListResponse>> ListImagesAsync(CancellationToken cancellationToken) =>
            CallAsync("Listing images", "DockerApiError", () => client.Images.ListImagesAsync(new ImagesListParameters(), cancellationToken));

        public Task<IReadOnlyList<string>> LoadImageAsync(System.IO.Stream archive, long length, CancellationToken cancellationToken) =>
            CallAsync("Loading the image archive", "ImageLoadFailed", () => ImageLoad.SendAsync(CreateHttpClient(System.Threading.Timeout.InfiniteTimeSpan), archive, length, cancellationToken));

        /// <summary>
        /// The Engine API has no call that looks at the host's files, but it checks a bind mount's source before it
        /// looks for the image (moby's containerCreate runs verifyContainerSettings, whose mount check stats the source,
        /// first). So a create with the path as a bind source and an image that does not exist is refused either way and
        /// never makes a container: "bind source path does not exist" when the path is missing, "No such image" when it is there.
        /// </summary>
        public async Task<bool> HostPathExistsAsync(string path, CancellationToken cancellationToken)
        {
            var probe = new CreateContainerParameters
            {
                Image = "swarmps.invalid/bind-source-probe:" + Guid.NewGuid().ToString("N"),
                HostConfig = new HostConfig { Mounts = new List<Mount> { new Mount { Type = "bind", Source = path, Target = "/probe", ReadOnly = true } } },
            };
            try
            {
                CreateContainerResponse created = await CallAsync($"Checking that {path} exists", "DockerApiError", () => client.Containers.CreateContainerAsync(probe, cancellationToken)).ConfigureAwait(false);

                // Only if an image of that name appeared: the path is there; leave nothing behind.
                await RemoveContainerAsync(created.ID, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (SwarmException refused) when (refused.InnerException is DockerApiException answer && (answer.ResponseBody ?? string.Empty).Contains("bind source path does not exist", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            catch (SwarmException missingImage) when (missingImage.Kind == SwarmErrorKind.ObjectNotFound)
            {
                return true;
            }
        }

        public void Dispose() => client.Dispose();

        /// <summary>Hands a log stream on line by line as it arrives, stdout and stderr together; never the whole log at once.</summary>
        private static async Task ReadLinesAsync(MultiplexedStream stream, Action<string> onLine, CancellationToken cancellationToken)
        {
            var lines = new LineSplitter(onLine);
            var buffer = new byte[8192];
            var text = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];

            // One decoder for the whole stream: a character whose bytes span two reads comes out whole.
            Decoder decoder = Encoding.UTF8.GetDecoder();
            while (true)
            {
                MultiplexedStream.ReadResult read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                int count = decoder.GetChars(buffer, 0, read.Count, text, 0);
                lines.Add(new string(text, 0, count));
            }

            lines.Flush();
        }

        internal static IReadOnlyDictionary<string, string> EngineLabelsOf(SystemInfoResponse info) => Provisioning.EngineLabels.FromEngineList(info.Labels);

        private static IDictionary<string, IDictionary<string, bool>> Filter(string key, string value) =>
            new Dictionary<string, IDictionary<string, bool>> { [key] = new Dictionary<string, bool> { [value] = true } };

        private Task<T> CallAsync<T>(string what, string errorId, Func<Task<T>> call) => CallAsync(Endpoint, what, errorId, call);

        /// <summary>A removal that is done when the object is gone either way: false when it was gone already.</summary>
        private async Task<bool> RemoveAsync(string what, string errorId, Func<Task> call)
        {
            try
            {
                await CallAsync(what, errorId, call).ConfigureAwait(false);
                return true;
            }
            catch (SwarmException gone) when (gone.Kind == SwarmErrorKind.ObjectNotFound)
            {
                return false;
            }
        }

        private async Task CallAsync(string what, string errorId, Func<Task> call) =>
            await CallAsync(Endpoint, what, errorId, async () =>
            {
                await call().ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);

        public Task<RegistryAnswer> InspectDistributionAsync(string image, RegistryLogin? login, CancellationToken cancellationToken) =>
            CallAsync($"Asking the registry for image '{image}'", "ImageResolveFailed", async () =>
            {
                using HttpClient http = CreateHttpClient();
                using var request = new HttpRequestMessage(HttpMethod.Get, $"distribution/{image}/json");
                if (login != null)
                {
                    request.Headers.Add("X-Registry-Auth", EncodedAuth(login));
                }

                using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return RegistryAnswer.Failed(response.StatusCode, MessageOf(body));
                }

                string? digest = JsonNode.Parse(body)?["Descriptor"]?["digest"]?.GetValue<string>();
                return string.IsNullOrEmpty(digest)
                    ? RegistryAnswer.Failed(HttpStatusCode.BadGateway, "the registry's answer held no digest")
                    : RegistryAnswer.Found(digest);
            });

        public Task AuthenticateAsync(RegistryLogin login, CancellationToken cancellationToken) =>
            CallAsync($"Logging in to {login.Registry}", "RegistryLoginFailed", async () =>
            {
                try
                {
                    await client.System.AuthenticateAsync(AuthConfigOf(login), cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException refused) when (RegistryAnswer.Failed(refused.StatusCode, MessageOf(refused.ResponseBody ?? string.Empty)).Verdict == RegistryVerdict.Unauthorized
                    || (refused.ResponseBody ?? string.Empty).Contains("401", StringComparison.Ordinal))
                {
                    // The engine's words name the registry and status only, never the password.
                    throw new SwarmException("RegistryAuthFailed", SwarmErrorKind.SecurityError,
                        $"{login.Registry} refused the login of '{login.UserName}': {MessageOf(refused.ResponseBody ?? string.Empty)}. Check the user name and password.", login.Registry, refused);
                }
            });

        private static AuthConfig AuthConfigOf(RegistryLogin login) =>
            new AuthConfig { Username = login.UserName, Password = login.Password, ServerAddress = login.ServerAddress };

        /// <summary>X-Registry-Auth: the login as URL-safe base64 JSON, as the Docker CLI encodes it.</summary>
        private static string EncodedAuth(RegistryLogin login)
        {
            string json = new JsonObject { ["username"] = login.UserName, ["password"] = login.Password, ["serveraddress"] = login.ServerAddress }.ToJsonString();
            return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).Replace('+', '-').Replace('/', '_');
        }

        /// <summary>The "message" of an engine's error answer, or the answer itself when it is not JSON.</summary>
        private static string MessageOf(string body)
        {
            try
            {
                return JsonNode.Parse(body)?["message"]?.GetValue<string>() ?? body.Trim();
            }
            catch (System.Text.Json.JsonException)
            {
                return body.Trim();
            }
        }

        private static async Task<T> CallAsync<T>(EngineEndpoint endpoint, string what, string errorId, Func<Task<T>> call)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (OperationCanceledException stopped) when (stopped.InnerException is not TimeoutException)
            {
                // The user's Ctrl+C goes up as it is; only a request timeout is a failure of the engine.
                throw;
            }
            catch (Exception failure)
            {
                throw DockerFailures.Translate(failure, endpoint.Name, endpoint, what, errorId);
            }
        }

        /// <summary>
        /// A plain HTTP client on the same transport and certificates, for the few calls Docker.DotNet gets
        /// wrong (it sends swarm/update's rotate flags in lower case, which the engine ignores).
        /// </summary>
        private HttpClient CreateHttpClient(TimeSpan? timeout = null)
        {
            string api = $"v{ApiVersion}/";
            if (sshSession != null)
            {
                return new HttpClient(SshDialStdioHandlerFactory.CreateHttpHandler(sshSession)) { BaseAddress = new Uri(SshDialStdioHandlerFactory.BaseAddress, api), Timeout = timeout ?? RequestTimeout };
            }

            var handler = new SocketsHttpHandler();
            if (identity != null)
            {
                handler.SslOptions.ClientCertificates = new X509CertificateCollection { identity.ClientCertificate };
                handler.SslOptions.RemoteCertificateValidationCallback = identity.ValidateServer;
            }

            return new HttpClient(handler) { BaseAddress = new Uri($"{(identity != null ? "https" : "http")}://{Address}:{Endpoint.Port}/{api}"), Timeout = timeout ?? RequestTimeout };
        }

        private static DockerClient Build(EngineEndpoint endpoint, TlsIdentity? tls, HostSession? session, Version? apiVersion)
        {
            var builder = new DockerClientBuilder().WithTimeout(RequestTimeout);
            if (apiVersion != null)
            {
                builder = builder.WithApiVersion(apiVersion);
            }

            if (session != null)
            {
                return builder.WithTransportOptions(SshDialStdioHandlerFactory.Instance, new SshTransportOptions(session)).Build();
            }

            builder = builder.WithEndpoint(new Uri($"tcp://{endpoint.Address}:{endpoint.Port}"));
            if (tls != null)
            {
                builder = builder.WithAuthProvider(new CertificateCredentials(tls.ClientCertificate) { ServerCertificateValidationCallback = tls.ValidateServer });
            }

            // .NET's own HTTP stack keeps connections alive between calls; the library's default opens a new TCP
            // connection, and a new TLS handshake, for every request.
            return builder.WithTransportOptions(new NativeHttpTransportOptions()).Build();
        }
    }
}
